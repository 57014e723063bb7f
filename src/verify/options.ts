/**
 * Turns the verify command's raw options (strings from the command line, or values from a
 * library caller) into checked ones. Every problem is a usage error (exit 2) that names the
 * flag, the value and what is accepted, and is found before anything runs.
 */
import { relative, resolve } from 'node:path';
import { usageError } from '../errors.js';
import { pathKind } from '../paths.js';

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

export const DEFAULT_TIMEOUT_MS = 10_000;
// Ten minutes: long enough for any tutorial program, short enough that a forgotten
// verify in CI does not hold a runner for hours.
export const MAX_TIMEOUT_MS = 600_000;

function wholeNumber(value: string | number): number | null {
  const text = typeof value === 'number' ? String(value) : value.trim();
  // Digits only: "1e3", "10.5", "0x10" and "10ms" are rejected rather than guessed at.
  return /^\d+$/.test(text) ? Number(text) : null;
}

export function checkVerifyOptions(options: VerifyOptions): CheckedVerifyOptions {
  const dirText = options.dir ?? '.';
  const dir = resolve(dirText);
  const dirKind = pathKind(dir);
  if (dirKind === 'missing') throw usageError(`verify: no such directory ${JSON.stringify(dirText)}; expected the project directory (the one with index.ts)`);
  if (dirKind !== 'directory')
    throw usageError(`verify: ${JSON.stringify(dirText)} is not a directory; expected the project directory (the one with index.ts)`);

  const entry = options.entry ?? 'index.ts';
  if (entry.trim() === '') throw usageError('verify: --entry is empty; expected a file name relative to the project directory, e.g. index.ts');
  const entryPath = resolve(dir, entry);
  const entryKind = pathKind(entryPath);
  if (entryKind !== 'file') {
    const shown = relative(process.cwd(), entryPath) || entryPath;
    throw usageError(
      entryKind === 'missing'
        ? `verify: no entry file ${JSON.stringify(shown)}; pass --entry FILE (relative to ${JSON.stringify(dirText)}), default index.ts`
        : `verify: entry ${JSON.stringify(shown)} is not a file; pass --entry FILE (a .ts, .mts, .cts, .js, .mjs or .cjs file)`,
    );
  }

  const timeoutText = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const timeoutMs = wholeNumber(timeoutText);
  if (timeoutMs === null || timeoutMs < 1 || timeoutMs > MAX_TIMEOUT_MS) {
    throw usageError(`verify: --timeout ${JSON.stringify(String(timeoutText))} is not accepted; expected whole milliseconds from 1 to ${MAX_TIMEOUT_MS}`);
  }

  let port: number | null = null;
  if (options.port !== undefined) {
    port = wholeNumber(options.port);
    if (port === null || port < 1 || port > 65_535) {
      throw usageError(
        `verify: --port ${JSON.stringify(String(options.port))} is not accepted; expected a port number from 1 to 65535 (leave it out to use a free one)`,
      );
    }
  }

  return { dir, entryPath, entry, timeoutMs, port };
}
