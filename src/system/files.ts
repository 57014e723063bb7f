import type { Stats } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { ExitCode, H2SetupError, usageError } from '../common/index.js';
import { cleanUpOnInterrupt } from './interrupt-cleanup.js';
import { processExists } from './process-state.js';

// Not an import: see system/index.ts (an ES module import of node:fs costs every command CPU).
const { closeSync, constants, fchmodSync, fstatSync, fsyncSync, linkSync, openSync, readdirSync, readSync, renameSync, unlinkSync, writeSync } =
  process.getBuiltinModule('node:fs');

/**
 * The temporary name for `path`: hidden, with our pid (so a later run can tell a stale one
 * from a live one's) and a random part, and ending in the target's own extension, so an
 * ignore rule that covers the target (`*.pem`) covers its temporary file too.
 */
export function temporaryPathFor(path: string): string {
  const name = basename(path);
  return join(dirname(path), `.${name}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp${extname(name)}`);
}

const TEMPORARY_NAME = /^\.(.+)\.([0-9]+)\.[a-z0-9]+\.tmp(\.[^.]*)?$/;

/**
 * Removes temporary files a killed earlier run (SIGKILL, power loss) left for `names` in
 * `dir`: only ours (our naming) and only when the process that made them is gone.
 */
export function sweepStaleTemporaryFiles(dir: string, names: readonly string[]): void {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  for (const entry of entries) {
    const match = TEMPORARY_NAME.exec(entry);
    if (!match || !names.includes(match[1] ?? '') || processExists(Number(match[2]))) continue;
    try {
      unlinkSync(join(dir, entry));
    } catch {
      // another run swept it first
    }
  }
}

export interface StagedFile {
  /** rename over the target: replaces whatever is there */
  commit(): void;
  /** link to the target, then remove the temporary name: fails with EEXIST, replacing
   *  nothing, when anything (a dangling symbolic link included) is at the target */
  commitNew(): void;
  abort(): void;
}

/**
 * Writes `contents` to a temporary file beside `path` so that `path` later is either
 * absent or complete: the bytes go to a temporary file in the same directory (so placing
 * it cannot cross file systems) and are flushed before it is placed.
 * The temporary file is created with O_EXCL and `mode`, so a private key is never
 * readable by others, not even for the moment before a chmod; until it is placed or
 * aborted, an interrupt removes it.
 */
export function stageFile(path: string, contents: string | Uint8Array, mode: number): StagedFile {
  const temp = temporaryPathFor(path);
  // Registered before the file exists: without a listener a signal kills at once, and could
  // land between creating the file and registering its removal.
  let created = false;
  const forget = cleanUpOnInterrupt(() => {
    if (created) unlinkSync(temp);
  });
  let fd: number;
  try {
    fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode);
    created = true;
  } catch (error) {
    forget();
    throw error;
  }
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
    forget();
    throw error;
  }
  closeSync(fd);
  return {
    commit: () => {
      renameSync(temp, path);
      forget();
    },
    commitNew: () => {
      linkSync(temp, path);
      unlinkSync(temp);
      forget();
    },
    abort: () => {
      try {
        unlinkSync(temp);
      } catch {
        // already gone
      }
      forget();
    },
  };
}

/** Writes several files all-or-nothing as far as a file system allows: every file is
 *  staged before any is renamed into place. Replaces what is there. */
export function writeFilesAtomically(files: readonly FileToWrite[]): void {
  stageThenPlace(
    files,
    (stage) => stage.commit(),
    (current, error) => cannotWrite(current, error),
  );
}

type FileToWrite = { path: string; contents: string | Uint8Array; mode: number };

/**
 * The one way several files are written: every file is staged (a temporary file beside its
 * target) before any is placed, so a failure while writing leaves nothing half done. `place`
 * puts one staged file at its name; when staging or placing fails, every stage is removed,
 * and `failed` turns the error (and the file it happened at) into the one to throw, after
 * undoing what it must.
 */
function stageThenPlace(
  files: readonly FileToWrite[],
  place: (stage: StagedFile, path: string) => void,
  failed: (current: string, error: unknown) => unknown,
): void {
  const staged: StagedFile[] = [];
  let current = '';
  try {
    for (const file of files) {
      current = file.path;
      staged.push(stageFile(file.path, file.contents, file.mode));
    }
    for (const [index, stage] of staged.entries()) {
      current = files[index]?.path ?? current;
      place(stage, current);
    }
  } catch (error) {
    for (const stage of staged) stage.abort();
    throw failed(current, error);
  }
}

/**
 * Writes several new files, never replacing anything: each is linked into place (link()
 * fails when the name exists, where rename() would silently replace), so a file created
 * by someone else while we worked is kept. When one name turns out to be taken, the ones
 * already placed by this call are removed again and a usage error says which file now exists.
 */
export function writeNewFiles(files: readonly FileToWrite[]): void {
  const placed: string[] = [];
  stageThenPlace(
    files,
    (stage, path) => {
      stage.commitNew();
      placed.push(path);
    },
    (current, error) => {
      for (const path of placed) {
        try {
          unlinkSync(path);
        } catch {
          // already gone
        }
      }
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
        return usageError(`${current} now exists (it was created while h2-setup was working); pass --force to replace it`);
      }
      return cannotWrite(current, error);
    },
  );
}

/** A file system refusal (permission, read-only, full disk) as one line, not a stack. */
export function cannotWrite(path: string, error: unknown): unknown {
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
    ? new H2SetupError(`cannot write ${path}: ${reason}`, { exitCode: ExitCode.failed, hint: 'choose another directory or fix its permissions' })
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
