/**
 * A lock file per directory, so two h2-setup runs never place files there at the same
 * time: the pair's key and certificate (so they are always one pair) and the local CA (so
 * one CA is made, not two). Why a file made with O_EXCL and not flock(): Node has no
 * flock, and O_EXCL is atomic on every local file system.
 * The file holds the holder's pid and its start time (field 22 of /proc/<pid>/stat, in
 * clock ticks since boot), so a lock whose holder is gone, or whose pid now belongs to
 * another process, is recognised as stale and broken at once, and a live holder's lock is
 * never broken however long it takes (a stopped process is still alive).
 */
import { ExitCode, H2SetupError } from '../common/index.js';
import { cannotWrite, temporaryPathFor } from './files.js';
import { cleanUpOnInterrupt } from './interrupt-cleanup.js';
import { processExists, startTimeOf } from './process-state.js';

// Not an import: see system/index.ts (an ES module import of node:fs costs every command CPU).
const { closeSync, constants, linkSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } = process.getBuiltinModule('node:fs');

// Not node:timers/promises, which every `certs` run would load (~2 ms of CPU) for this one wait.
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Ends in .pem so the scaffold's `*.pem` ignore rule covers a lock left by a killed run. */
export const LOCK_FILE = '.h2-setup.lock.pem';

function ownIdentity(): string {
  return `${process.pid} ${startTimeOf(process.pid) ?? '-'}\n`;
}

/** Whether the holder written in a lock file is gone. An empty file is a holder between
 *  creating and writing it: alive. */
function holderIsGone(content: string): boolean {
  const [pidText, startTime] = content.trim().split(' ');
  const pid = Number(pidText);
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  if (!processExists(pid)) return true;
  const now = startTimeOf(pid);
  return startTime !== undefined && startTime !== '-' && now !== undefined && now !== startTime;
}

function readLock(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Breaks a stale lock: moves it aside under a name of our own and checks it is still the
 * stale one we judged (another run may have broken it and taken a fresh lock in between);
 * a fresh lock taken by mistake is put back with link(), which fails rather than replace
 * a lock taken again meanwhile.
 */
function breakStaleLock(path: string, staleContent: string): void {
  const aside = temporaryPathFor(path);
  try {
    renameSync(path, aside);
  } catch {
    return; // someone else broke it
  }
  if (readLock(aside) !== staleContent) {
    try {
      linkSync(aside, path);
    } catch {
      // taken again meanwhile; the fresh holder keeps it
    }
  }
  try {
    unlinkSync(aside);
  } catch {
    // gone
  }
}

export interface LockOptions {
  /** what the lock protects, for the message when a live holder keeps it too long */
  what: string;
  /** give up waiting for a live holder after this long */
  timeoutMs?: number;
}

/** Runs `body` holding the lock file at `path`; an interrupt removes the lock. */
export async function withLockFile<T>(path: string, options: LockOptions, body: () => T | Promise<T>): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  const started = Date.now();
  const identity = ownIdentity();
  for (;;) {
    let fd: number | undefined;
    // The interrupt cleanup goes in before the file exists: a signal with no listener kills at
    // once, even between creating the lock and registering its removal (the signal race test
    // left a lone lock file that way, once in about 400 interrupted runs).
    const forget = cleanUpOnInterrupt(() => {
      if (fd !== undefined) unlinkSync(path);
    });
    try {
      fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
    } catch (error) {
      forget();
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw cannotWrite(path, error);
    }
    if (fd !== undefined) {
      try {
        try {
          writeSync(fd, identity);
        } catch (error) {
          throw cannotWrite(path, error);
        } finally {
          closeSync(fd);
        }
        return await body();
      } finally {
        forget();
        if (readLock(path) === identity) unlinkSync(path);
      }
    }
    const content = readLock(path);
    if (content !== undefined && holderIsGone(content)) {
      breakStaleLock(path, content);
      continue;
    }
    if (Date.now() - started > timeoutMs) {
      throw new H2SetupError(`${options.what} is locked by another h2-setup (process ${content?.trim().split(' ')[0] ?? '?'}, still running)`, {
        exitCode: ExitCode.failed,
        hint: `wait for it to finish, or stop it; the lock is ${path}`,
      });
    }
    await sleep(25);
  }
}
