/**
 * What is at a path, whether a directory can be made and written there, and how a path is
 * shown to people; the writing itself is files.ts.
 */
import { accessSync, constants, lstatSync, statSync } from 'node:fs';
import { dirname, isAbsolute, parse, relative, resolve } from 'node:path';
import { usageError } from '../common/index.js';

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

/** Whether anything at all is at `path`, a dangling symbolic link included (which
 *  statSync-based pathKind calls missing, and a rename would silently replace). */
export function pathExists(path: string): boolean {
  try {
    return lstatSync(path, { throwIfNoEntry: false }) !== undefined;
  } catch {
    // ENOTDIR: an ancestor is a file, so nothing is there
    return false;
  }
}

/**
 * Makes sure a directory can be created at `dir` (or already is one) and written to:
 * fails with a usage error, before anything is written, when `dir` or one of its
 * ancestors is a file, or the nearest existing directory is not writable. Returns the
 * absolute path.
 */
export function checkDirectoryPath(dir: string, flag: string): string {
  const absolute = resolve(dir);
  const root = parse(absolute).root;
  for (let current = absolute; ; current = dirname(current)) {
    const kind = pathKind(current);
    if (kind === 'directory') {
      try {
        accessSync(current, constants.W_OK | constants.X_OK);
      } catch (error) {
        const reason = (error as NodeJS.ErrnoException).code === 'EROFS' ? 'read-only file system' : 'permission denied';
        throw usageError(`${flag} ${JSON.stringify(dir)}: cannot write to ${JSON.stringify(current)} (${reason}); expected a directory you can write to`);
      }
      break;
    }
    if (kind === 'missing' && pathExists(current)) {
      throw usageError(
        `${flag} ${JSON.stringify(dir)}: ${JSON.stringify(current)} is a symbolic link to something missing; expected a directory (remove the link, or point it at a directory)`,
      );
    }
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

/** A path (or a `path:line:col` location) as people read it: relative to `base` (the current
 *  directory unless given) when it is inside it, else as it is. */
export function displayPath(path: string, base = process.cwd()): string {
  const rel = relative(base, path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}
