/**
 * `h2-setup init`: its flag table (defaults from options.ts, declared once) and the step
 * from flags to options to init() to text, JSON and an exit code. Whether to ask is
 * decided here (init itself only asks when told to), and so is where progress goes.
 */
import { type Command, Option } from '../commander.js';
import { ExitCode, MAX_PORT, MIN_PORT, printResult } from '../common/index.js';
import { DEFAULTS, shouldPrompt, type Transport } from './options.js';

export interface InitFlags {
  template?: string;
  tls?: boolean;
  h2c?: boolean;
  ca?: boolean;
  mtls?: boolean;
  port?: string;
  yes?: boolean;
  force?: boolean;
  install?: boolean;
  /** false for --no-verify; true (commander's default for a --no- flag) otherwise */
  verify: boolean;
  json?: boolean;
}

/** " (default)" after the transport init uses when neither --tls nor --h2c is given. */
function ifDefault(transport: Transport): string {
  return DEFAULTS.transport === transport ? ' (default)' : '';
}

/** Adds init's argument, flags and action to the command cli.ts made (its name and description are listed there). */
export function defineInitCommand(command: Command): Command {
  return command
    .argument('[dir]', `project directory (default: ${DEFAULTS.dir})`)
    .addOption(new Option('--template <name>', `example-1 or example-2 (default: ${DEFAULTS.template})`))
    .addOption(new Option('--tls', `serve with http2.createSecureServer and the generated pair (ALPN h2)${ifDefault('tls')}`).conflicts('h2c'))
    .addOption(new Option('--h2c', `plaintext HTTP/2, as the tutorial${ifDefault('h2c')}`).conflicts('tls'))
    .addOption(new Option('--ca', 'sign the certificate with the local development CA and make the client trust ca-cert.pem (implies --tls)'))
    .addOption(new Option('--mtls', 'mutual TLS: the server requires a client certificate signed by the local CA, which init makes (implies --tls --ca)'))
    .addOption(new Option('--port <n>', `default port written into the program, ${MIN_PORT}-${MAX_PORT} (default: ${DEFAULTS.port})`))
    .addOption(new Option('-y, --yes', 'never prompt: use defaults for everything not given'))
    .addOption(new Option('--force', 'write into a non-empty directory (never deletes files)'))
    .addOption(new Option('--install', 'run npm install in the new project'))
    .addOption(new Option('--no-verify', 'do not run h2-setup verify at the end'))
    .addOption(new Option('--json', 'print one JSON document (never prompts)'))
    .addHelpText(
      'after',
      `
Examples:
  h2-setup init
  h2-setup init my-demo --template example-2 --tls --yes
  h2-setup init my-demo --ca --yes   TLS, certificate signed by the local CA
  h2-setup init my-demo --mtls --yes mutual TLS: the client presents a certificate too`,
    )
    .action(async (dir: string | undefined, flags: InitFlags) => {
      process.exitCode = await runInit(dir, flags);
    });
}

async function runInit(dir: string | undefined, flags: InitFlags): Promise<ExitCode> {
  const { init } = await import('./index.js');
  const result = await init({
    dir,
    template: flags.template,
    transport: flags.tls ? 'tls' : flags.h2c ? 'h2c' : undefined,
    // --ca without a transport means TLS; with --h2c init refuses it.
    ca: flags.ca,
    mtls: flags.mtls,
    port: flags.port,
    yes: flags.yes,
    force: flags.force,
    install: flags.install,
    // Left open (asked at a terminal) unless --no-verify says no.
    verify: flags.verify === false ? false : undefined,
    interactive: shouldPrompt(flags),
    // Progress only where a person watches (a terminal), never into --json's stdout.
    onProgress: !flags.json && process.stderr.isTTY ? (message) => process.stderr.write(`${message}\n`) : undefined,
  });
  const { formatInitReport } = await import('./report.js');
  printResult(result, flags.json, formatInitReport);
  const { unconstrainedCaWarning } = await import('../certs/index.js');
  const warning = unconstrainedCaWarning(result.certificates?.caConstraints);
  if (warning) process.stderr.write(warning);
  return result.ok ? ExitCode.ok : ExitCode.failed;
}
