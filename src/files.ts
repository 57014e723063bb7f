import { closeSync, constants, fchmodSync, fstatSync, fsyncSync, openSync, readSync, renameSync, type Stats, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { CliError, ExitCode } from './errors.js';

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
  // O_EXCL below makes any name safe against clobbering, so no node:crypto (~3 ms to load,
  // and verify writes its cache through here before the program starts).
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
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
  let current = '';
  try {
    for (const file of files) {
      current = file.path;
      staged.push(stageFile(file.path, file.contents, file.mode));
    }
    for (const [index, stage] of staged.entries()) {
      current = files[index]?.path ?? current;
      stage.commit();
    }
  } catch (error) {
    for (const stage of staged) stage.abort();
    throw cannotWrite(current, error);
  }
}

/** A file system refusal (permission, read-only, full disk) as one line, not a stack. */
function cannotWrite(path: string, error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  const reasons: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EROFS: 'read-only file system',
    ENOSPC: 'no space left on the device',
    EDQUOT: 'disk quota exceeded',
  };
  const reason = code ? reasons[code] : undefined;
  return reason
    ? new CliError(`cannot write ${path}: ${reason}`, { exitCode: ExitCode.failed, hint: 'choose another directory or fix its permissions' })
    : error;
}

/** Why a path could not be read as a file, in words (what readRegularFile throws). */
export class UnreadableFileError extends Error {
  readonly reason: string;
  constructor(path: string, reason: string) {
    super(`cannot read ${path}: ${reason}`);
    this.reason = reason;
  }
}

function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'it is a directory';
  if (stats.isFIFO()) return 'it is a FIFO (named pipe), not a regular file';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'it is a device, not a regular file';
  if (stats.isSocket()) return 'it is a socket, not a regular file';
  return 'it is not a regular file';
}

/**
 * Reads a regular file of at most `maxBytes`, and nothing else: a FIFO would block forever
 * and /dev/zero would be read until memory runs out, and a cloned repository can carry a
 * symbolic link to either where a PEM is expected. O_NONBLOCK makes opening a FIFO return
 * at once (fstat then says what it is); the size is checked before reading and the read is
 * bounded even if the file grows meanwhile.
 */
export function readRegularFile(path: string, maxBytes: number): Buffer {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reasons: Record<string, string> = { ENOENT: 'no such file', EACCES: 'permission denied', ENOTDIR: 'no such file', ELOOP: 'too many symbolic links' };
    throw new UnreadableFileError(path, (code && reasons[code]) ?? String(code ?? error));
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw new UnreadableFileError(path, kindOf(stats));
    if (stats.size > maxBytes) throw new UnreadableFileError(path, `it is ${stats.size} bytes, more than the ${maxBytes} a PEM file here can be`);
    const buffer = Buffer.alloc(maxBytes + 1);
    let length = 0;
    for (;;) {
      const read = readSync(fd, buffer, length, buffer.length - length, null);
      if (read === 0) break;
      length += read;
      if (length > maxBytes) throw new UnreadableFileError(path, `it is more than the ${maxBytes} bytes a PEM file here can be`);
    }
    return buffer.subarray(0, length);
  } catch (error) {
    if (error instanceof UnreadableFileError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new UnreadableFileError(path, code === 'EISDIR' ? 'it is a directory' : String(code ?? error));
  } finally {
    closeSync(fd);
  }
}
