/**
 * The one way errors reach the user: `h2-setup: <what went wrong>` on stderr, an
 * optional second line saying what to do, and an exit code (see ../shared/DESIGN.md).
 * A stack trace only when DEBUG is set.
 */
import { CliError, ExitCode } from './errors.js';

export function printError(message: string, hint?: string): void {
  process.stderr.write(`h2-setup: ${message}\n${hint ? `${hint}\n` : ''}`);
}

/** For a CliError (bad input, a refused action) or anything else (a bug). */
export function reportError(error: unknown): ExitCode {
  if (error instanceof CliError) {
    printError(error.message, error.hint);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  printError(`unexpected error: ${message}`, process.env.DEBUG ? (error as Error).stack : 'set DEBUG=1 to see where it happened');
  return ExitCode.failed;
}
