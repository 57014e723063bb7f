/**
 * The command-line interface as a commander program: flags become plain options, a
 * command module turns them into a result object, and the action turns that result
 * into text or JSON and an exit code. Command modules (and node-forge, inquirer,
 * esbuild behind them) are imported only when their command runs.
 * Kept apart from cli.ts so the build can render every --help text from the very
 * same definition (scripts/render-help.mjs).
 */
import { readFileSync } from 'node:fs';
import { CERTS_FLAGS, type CertsCommandFlags, runCertsCommand } from './certs/command.js';
import { Command, Option } from './commander.js';
import { ExitCode } from './errors.js';
import { printJson } from './print-json.js';
import { runVerifyCommand, VERIFY_DIR_DEFAULT, VERIFY_FLAGS, type VerifyCommandFlags } from './verify/command.js';

const packageJson = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** certs flags that describe a key pair, which --install-ca and --uninstall-ca do not make. */
const PAIR_FLAGS = ['outDir', 'host', 'days', 'bits', 'key', 'cert', 'force', 'ca'];

export function createProgram(): Command {
  const program = new Command('h2-setup')
    .description('Make a key and certificate, scaffold and verify the Node.js HTTP/2 Http2Session "close" event tutorial.')
    .version(packageJson.version, '-v, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      // Commander's own error lines are replaced by ours (see main()).
      outputError: () => {},
    })
    .addHelpText(
      'after',
      `
Examples:
  h2-setup init my-demo          scaffold the tutorial, make its certificates, verify it
  h2-setup certs                 private-key.pem + public-cert.pem for localhost, 127.0.0.1, ::1
  h2-setup verify my-demo        prove the server session's 'close' event fires

Exit codes: 0 success, 1 a check or verification failed, 2 bad usage or input, 130 cancelled.`,
    );

  const certs = program.command('certs').description('make a private key and a self-signed certificate that match (or --check an existing pair)');
  for (const flag of CERTS_FLAGS) {
    if (flag.multiple) certs.option(flag.flags, flag.description, collect);
    else certs.option(flag.flags, flag.description, flag.default);
  }
  certs
    .addOption(
      // Flags that only shape a new pair are refused with --check rather than silently ignored.
      new Option('--check', 'diagnose an existing pair instead of writing one (exit 1 on any problem)').conflicts(['force', 'ca', 'days', 'bits']),
    )
    .addOption(new Option('--install-ca', 'add the local CA to the trust stores it can reach (NSS, system)').conflicts(['check', 'uninstallCa', ...PAIR_FLAGS]))
    .addOption(new Option('--uninstall-ca', 'remove the local CA from those trust stores').conflicts(['check', ...PAIR_FLAGS]))
    .addHelpText(
      'after',
      `
Examples:
  h2-setup certs
  h2-setup certs --out-dir certs --host localhost --host app.test --days 90
  h2-setup certs --check
  h2-setup certs --ca && h2-setup certs --install-ca   (browsers trust it, no warning)`,
    )
    .action(async (flags: CertsCommandFlags) => {
      process.exitCode = await runCertsCommand(flags);
    });

  const verify = program
    .command('verify')
    .description("run a project's entry and prove, from the http2 objects, that the server session's 'close' event fired")
    .argument('[dir]', 'project directory', VERIFY_DIR_DEFAULT);
  for (const flag of VERIFY_FLAGS) verify.option(flag.flags, flag.description, flag.default);
  verify
    .addHelpText(
      'after',
      `
Examples:
  h2-setup verify my-demo
  h2-setup verify . --entry server.ts --timeout 5000 --json`,
    )
    .action(async (dir: string, flags: VerifyCommandFlags) => {
      process.exitCode = await runVerifyCommand(dir, flags);
    });

  program
    .command('init')
    .description('scaffold the tutorial as a TypeScript project, make its certificates and verify it')
    .argument('[dir]', 'project directory (default: h2-close-demo)')
    .addOption(new Option('--template <name>', 'example-1 or example-2'))
    .addOption(new Option('--tls', 'serve with http2.createSecureServer and the generated pair (ALPN h2)').conflicts('h2c'))
    .addOption(new Option('--h2c', 'plaintext HTTP/2, as the tutorial (default)').conflicts('tls'))
    .option('--ca', 'sign the certificate with the local development CA and make the client trust ca-cert.pem (implies --tls)')
    .option('--port <n>', 'default port written into the program (1-65535)')
    .option('-y, --yes', 'never prompt: use defaults for everything not given')
    .option('--force', 'write into a non-empty directory (never deletes files)')
    .option('--install', 'run npm install in the new project')
    .option('--no-verify', 'do not run h2-setup verify at the end')
    .option('--json', 'print one JSON document (never prompts)')
    .addHelpText(
      'after',
      `
Examples:
  h2-setup init
  h2-setup init my-demo --template example-2 --tls --yes
  h2-setup init my-demo --ca --yes   TLS, certificate signed by the local CA`,
    )
    .action(
      async (
        dir: string | undefined,
        flags: {
          template?: string;
          tls?: boolean;
          h2c?: boolean;
          ca?: boolean;
          port?: string;
          yes?: boolean;
          force?: boolean;
          install?: boolean;
          verify: boolean;
          json?: boolean;
        },
      ) => {
        const { initProject } = await import('./scaffold/index.js');
        const { formatInitReport } = await import('./scaffold/report.js');
        const result = await initProject({
          dir,
          template: flags.template,
          transport: flags.tls ? 'tls' : flags.h2c ? 'h2c' : undefined,
          // --ca without a transport means TLS; with --h2c it is refused by initProject.
          ca: flags.ca,
          port: flags.port,
          yes: flags.yes,
          force: flags.force,
          install: flags.install,
          verify: flags.verify === false ? false : undefined,
          json: flags.json,
        });
        if (flags.json) printJson(result);
        else process.stdout.write(formatInitReport(result));
        process.exitCode = result.ok ? ExitCode.ok : ExitCode.failed;
      },
    );

  return program;
}
