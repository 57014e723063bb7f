/**
 * Entry point: parse argv with the commander program and map every error to one
 * line on stderr and an exit code (see ../shared/DESIGN.md): 2 for usage, the
 * command's own code for CliError, and a stack trace only when DEBUG is set.
 */
import { CommanderError } from './commander.js';
import { ExitCode } from './errors.js';
import { createProgram } from './program.js';
import { printError, reportError } from './report-error.js';

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
    process.exitCode = reportError(error);
  }
}

await main(process.argv);
