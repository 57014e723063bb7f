/**
 * The command line, and the one place argv is read: a commander program made of each
 * command's own flag table (certs/command.ts, verify/command.ts, init/command.ts).
 * commander prints help, usage errors and the hint after them; every error ends here as
 * one line on stderr (and a hint), one JSON document on stdout under --json, and an exit
 * code: 2 for usage, the command's own code for a H2SetupError (see ../shared/DESIGN.md).
 * A command's flag table, and everything behind it (node-forge's ASN.1 codec, inquirer,
 * esbuild), loads only when that command is asked for, so `--help` costs little more than
 * starting Node (bench/help.mjs).
 */
import { Command, CommanderError, Option } from './commander.js';
import { ExitCode } from './common/index.js';
import { packageJson } from './package-json.js';
import { printError, printErrorDocument, reportError } from './report-error.js';

/**
 * The commands as `h2-setup --help` lists them: name, arguments and description. Only the
 * command asked for gets its flag table (its command.ts): loading all three made `--help`
 * load 20 modules where it needs 6 (on Node 26, ~17 ms of CPU and 2.0x to 1.5x `node -e 0`).
 */
const COMMANDS = [
  {
    name: 'certs',
    arguments: '',
    description: 'make a private key and a certificate that match, self-signed or signed by the local CA (or --check an existing pair)',
    load: async () => (await import('./certs/command.js')).defineCertsCommand,
  },
  {
    name: 'verify',
    arguments: '[dir]',
    description: "run a project's entry and prove, from the http2 objects, that the server session's 'close' event fired",
    load: async () => (await import('./verify/command.js')).defineVerifyCommand,
  },
  {
    name: 'init',
    arguments: '[dir]',
    description: 'scaffold the tutorial as a TypeScript project, make its certificates and verify it',
    load: async () => (await import('./init/command.js')).defineInitCommand,
  },
] as const;

/** The command the arguments ask for (`help NAME` asks for NAME's help): the first word that is
 *  not an option, as the program's own options (-v, -h) take no value. */
function askedCommand(argv: readonly string[]): string | undefined {
  const words = argv.filter((arg) => !arg.startsWith('-'));
  return words[0] === 'help' ? words[1] : words[0];
}

/** commander's message as one line: without its "error: " prefix, its suggestion on the same line. */
function oneLine(message: string): string {
  return message
    .trim()
    .replace(/^error: /, '')
    .replace(/\s*\n\s*\((Did you mean [^)]*)\)/, (_match, suggestion: string) => ` (${suggestion.toLowerCase()})`);
}

/** commander's error code as a stable --json name: commander.unknownOption -> unknown-option. */
function errorCode(error: CommanderError): string {
  return error.code.replace(/^commander\./, '').replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

async function createProgram(argv: readonly string[]): Promise<Command> {
  const program = new Command('h2-setup')
    .description('Make a key and certificate, scaffold and verify the Node.js HTTP/2 Http2Session "close" event tutorial.')
    .version(packageJson.version, '-v, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .showSuggestionAfterError(true)
    .showHelpAfterError('run `h2-setup --help` for the commands')
    .exitOverride()
    .configureOutput({ outputError: (message) => printError(oneLine(message)) })
    .addHelpText(
      'after',
      `
Examples:
  h2-setup init my-demo          scaffold the tutorial, make its certificates, verify it
  h2-setup certs                 private-key.pem + public-cert.pem for localhost, 127.0.0.1, ::1
  h2-setup verify my-demo        prove the server session's 'close' event fires

Exit codes: 0 success, 1 a check or verification failed, 2 bad usage or input, 130 cancelled.`,
    );
  const asked = askedCommand(argv);
  for (const entry of COMMANDS) {
    const command = program.command(entry.name).description(entry.description);
    if (entry.name === asked) {
      (await entry.load())(command);
      command.showHelpAfterError(`run \`h2-setup ${command.name()} --help\` for the accepted flags`);
    } else {
      // Listed only, never parsed (a command is parsed only when asked for, and then it has its
      // own table): the arguments and a hidden option make the listing read "init [options] [dir]".
      if (entry.arguments) command.arguments(entry.arguments);
      command.addOption(new Option('--listed-only').hideHelp());
    }
  }
  return program;
}

/** Whether the command that ran (or failed) was asked for --json. An unknown option
 *  stops commander reading options, so a --json after it is found among the leftovers. */
function wantsJson(command: Command): boolean {
  return command.opts().json === true || command.args.includes('--json');
}

async function main(): Promise<ExitCode> {
  const program = await createProgram(process.argv.slice(2));
  let active = program;
  program.hook('preSubcommand', (_program, subcommand) => {
    active = subcommand;
  });
  try {
    await program.parseAsync(process.argv);
    return (process.exitCode as ExitCode | undefined) ?? ExitCode.ok;
  } catch (error) {
    if (!(error instanceof CommanderError)) return reportError(error, wantsJson(active));
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return ExitCode.ok;
    // No command given: commander has printed the help to stderr; that is a usage error.
    if (error.code === 'commander.help') return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    // commander has printed the line and the hint (configureOutput, showHelpAfterError).
    if (wantsJson(active)) printErrorDocument(errorCode(error), oneLine(error.message));
    return ExitCode.usage;
  }
}

// `h2-setup help | head -1`: once the reader is gone there is nobody to tell; end quietly
// rather than with an EPIPE stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}
process.exitCode = await main();
