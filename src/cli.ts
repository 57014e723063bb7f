/**
 * Entry point: parse argv with the commander program and map every error to one
 * line on stderr and an exit code (see ../shared/DESIGN.md): 2 for usage, the
 * command's own code for CliError, and a stack trace only when DEBUG is set.
 */
import { CommanderError } from './commander.js';
import { CliError, ExitCode } from './errors.js';
import { createProgram } from './program.js';

function printError(message: string, hint?: string): void {
  process.stderr.write(`h2-setup: ${message}\n${hint ? `${hint}\n` : ''}`);
}

async function main(argv: string[]): Promise<void> {
  try {
    await createProgram().parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') {
        process.exitCode = ExitCode.ok;
        return;
      }
      if (error.code === 'commander.help') {
        // No command given: commander has printed the help to stderr; that is a usage error.
        process.exitCode = error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
        return;
      }
      const command = argv.slice(2).find((arg) => ['certs', 'init', 'verify'].includes(arg));
      // Commander puts its suggestion on a line of its own; keep the error to one line.
      const message = error.message
        .replace(/^error: /, '')
        .replace(/\s*\n\s*\((Did you mean [^)]*)\)/, (_match, suggestion: string) => ` (${suggestion.toLowerCase()})`);
      printError(message, `run \`h2-setup ${command ? `${command} ` : ''}--help\` for the accepted flags`);
      process.exitCode = ExitCode.usage;
      return;
    }
    if (error instanceof CliError) {
      printError(error.message, error.hint);
      process.exitCode = error.exitCode;
      return;
    }
    // A bug, not bad input: still one line unless DEBUG asks for the stack.
    const message = error instanceof Error ? error.message : String(error);
    printError(`unexpected error: ${message}`, process.env.DEBUG ? (error as Error).stack : 'set DEBUG=1 to see where it happened');
    process.exitCode = ExitCode.failed;
  }
}

await main(process.argv);
