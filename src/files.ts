import { randomBytes } from 'node:crypto';
import { closeSync, constants, fchmodSync, fsyncSync, openSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join, parse, resolve } from 'node:path';
import { usageError } from './errors.js';

/**
 * Writes `contents` to `path` so that the file is either absent or complete: the
 * bytes go to a temporary file in the same directory (so the rename cannot cross
 * file systems), are flushed, and the temporary file is renamed over `path`.
 * The temporary file is created with O_EXCL and `mode`, so a private key is never
 * readable by others, not even for the moment before a chmod.
 * Returns the temporary path's rename as a function so callers can stage several
 * files and move them into place together.
 */
export function stageFile(path: string, contents: string | Uint8Array, mode: number): { commit(): void; abort(): void } {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode);
  try {
    // The umask can only take bits away; fchmod makes the mode exact either way.
    fchmodSync(fd, mode);
    const bytes = typeof contents === 'string' ? Buffer.from(contents, 'utf8') : contents;
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    unlinkSync(temp);
    throw error;
  }
  closeSync(fd);
  return {
    commit: () => renameSync(temp, path),
    abort: () => {
      try {
        unlinkSync(temp);
      } catch {
        // already gone
      }
    },
  };
}

/** Writes several files all-or-nothing as far as a file system allows: every file is
 *  staged before any is renamed into place. */
export function writeFilesAtomically(files: ReadonlyArray<{ path: string; contents: string | Uint8Array; mode: number }>): void {
  const staged: Array<{ commit(): void; abort(): void }> = [];
  try {
    for (const file of files) staged.push(stageFile(file.path, file.contents, file.mode));
  } catch (error) {
    for (const stage of staged) stage.abort();
    throw error;
  }
  for (const stage of staged) stage.commit();
}

export type PathKind = 'missing' | 'file' | 'directory' | 'other';

export function pathKind(path: string): PathKind {
  try {
    const stats = statSync(path);
    if (stats.isFile()) return 'file';
    if (stats.isDirectory()) return 'directory';
    return 'other';
  } catch {
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
