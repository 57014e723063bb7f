/**
 * Turns the verify command's raw options (strings from the command line, or values from a
 * library caller) into checked ones. Every problem is a usage error (exit 2) that names the
 * flag, the value and what is accepted, and is found before anything runs.
 */
import { extname, resolve } from 'node:path';
import { parsePort, usageError, wholeNumber } from '../common/index.js';
import { displayPath, pathKind } from '../system/index.js';

export interface VerifyOptions {
  dir?: string;
  entry?: string;
  timeoutMs?: string | number;
  port?: string | number;
}

export interface CheckedVerifyOptions {
  /** absolute project directory; the program runs with this as its cwd */
  dir: string;
  /** absolute entry file */
  entryPath: string;
  /** the entry as given, relative to dir, for messages */
  entry: string;
  timeoutMs: number;
  /** null: pick a free one */
  port: number | null;
}

export const DEFAULT_DIR = '.';
export const DEFAULT_ENTRY = 'index.ts';
/** What verify can run: TypeScript (stripped by Node or bundled by esbuild) and JavaScript. */
export const ENTRY_EXTENSIONS = ['.ts', '.mts', '.cts', '.tsx', '.js', '.mjs', '.cjs'] as const;
const ACCEPTED_ENTRIES = `a ${ENTRY_EXTENSIONS.slice(0, -1).join(', ')} or ${ENTRY_EXTENSIONS.at(-1)} file`;
export const DEFAULT_TIMEOUT_MS = 10_000;
// Ten minutes: long enough for any tutorial program, short enough that a forgotten
// verify in CI does not hold a runner for hours.
export const MAX_TIMEOUT_MS = 600_000;

export function checkVerifyOptions(options: VerifyOptions): CheckedVerifyOptions {
  const dirText = options.dir ?? DEFAULT_DIR;
  const dir = resolve(dirText);
  const dirKind = pathKind(dir);
  if (dirKind === 'missing')
    throw usageError(`verify: no such directory ${JSON.stringify(dirText)}; expected the project directory (the one with ${DEFAULT_ENTRY})`);
  if (dirKind !== 'directory')
    throw usageError(`verify: ${JSON.stringify(dirText)} is not a directory; expected the project directory (the one with ${DEFAULT_ENTRY})`);

  const entry = options.entry ?? DEFAULT_ENTRY;
  if (entry.trim() === '') throw usageError(`verify: --entry is empty; expected a file name relative to the project directory, e.g. ${DEFAULT_ENTRY}`);
  if (!(ENTRY_EXTENSIONS as readonly string[]).includes(extname(entry))) {
    throw usageError(`verify: --entry ${JSON.stringify(entry)} is not a program verify can run; expected ${ACCEPTED_ENTRIES}`);
  }
  const entryPath = resolve(dir, entry);
  const entryKind = pathKind(entryPath);
  if (entryKind !== 'file') {
    const shown = displayPath(entryPath);
    throw usageError(
      entryKind === 'missing'
        ? `verify: no entry file ${JSON.stringify(shown)}; pass --entry FILE (relative to ${JSON.stringify(dirText)}), default ${DEFAULT_ENTRY}`
        : `verify: entry ${JSON.stringify(shown)} is not a file; pass --entry FILE (${ACCEPTED_ENTRIES})`,
    );
  }

  const timeoutText = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const timeoutMs = wholeNumber(timeoutText);
  if (timeoutMs === null || timeoutMs < 1 || timeoutMs > MAX_TIMEOUT_MS) {
    throw usageError(`verify: --timeout ${JSON.stringify(String(timeoutText))} is not accepted; expected whole milliseconds from 1 to ${MAX_TIMEOUT_MS}`);
  }

  const port = options.port === undefined ? null : parsePort(options.port, 'verify: --port', ' (leave it out to use a free one)');

  return { dir, entryPath, entry, timeoutMs, port };
}
