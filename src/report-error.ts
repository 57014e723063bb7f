/**
 * The one way errors reach the user: `h2-setup: <what went wrong>` on stderr, an
 * optional second line saying what to do, and an exit code (see ../shared/DESIGN.md).
 * Under --json, stdout still gets one JSON document: `{ ok: false, error: { code, message } }`.
 * A stack trace only when DEBUG is set.
 */
import { ExitCode, H2SetupError, printJson } from './common/index.js';

export interface ErrorDocument {
  ok: false;
  error: { code: string; message: string };
}

export function printError(message: string, hint?: string): void {
  process.stderr.write(`h2-setup: ${message}\n${hint ? `${hint}\n` : ''}`);
}

/** The --json document for an error whose line is on stderr. */
export function printErrorDocument(code: string, message: string): void {
  const document: ErrorDocument = { ok: false, error: { code, message } };
  printJson(document);
}

/** For a H2SetupError (bad input, a refused action) or anything else (a bug). */
export function reportError(error: unknown, json = false): ExitCode {
  if (error instanceof H2SetupError) {
    printError(error.message, error.hint);
    if (json) printErrorDocument(error.code, error.message);
    return error.exitCode;
  }
  const message = `unexpected error: ${error instanceof Error ? error.message : String(error)}`;
  printError(message, process.env.DEBUG ? (error as Error).stack : 'set DEBUG=1 to see where it happened');
  if (json) printErrorDocument('unexpected', message);
  return ExitCode.failed;
}
