/**
 * What is at a path, and whether a directory can be made there. Kept apart from the
 * atomic writes in files.ts so that verify, which only looks, does not load node:crypto
 * before it starts the program.
 */
import { statSync } from 'node:fs';
import { dirname, parse, resolve } from 'node:path';
import { usageError } from './errors.js';

export type PathKind = 'missing' | 'file' | 'directory' | 'other';

export function pathKind(path: string): PathKind {
  try {
    const stats = statSync(path);
    return stats.isFile() ? 'file' : stats.isDirectory() ? 'directory' : 'other';
  } catch {
    // ENOENT, or ENOTDIR when an ancestor is a file: nothing is there either way.
    return 'missing';
  }
}

/**
 * Makes sure a directory can be created at `dir` (or already is one): fails with a
 * usage error, before anything is written, when `dir` or one of its ancestors is a
 * file. Returns the absolute path.
 */
export function checkDirectoryPath(dir: string, flag: string): string {
  const absolute = resolve(dir);
  const root = parse(absolute).root;
  for (let current = absolute; ; current = dirname(current)) {
    const kind = pathKind(current);
    if (kind === 'directory') break;
    if (kind !== 'missing') {
      throw usageError(
        current === absolute
          ? `${flag} ${JSON.stringify(dir)} is a file, not a directory; expected a directory (it is created when missing)`
          : `${flag} ${JSON.stringify(dir)} is under ${JSON.stringify(current)}, which is a file; expected a directory path`,
      );
    }
    if (current === root) break;
  }
  return absolute;
}
