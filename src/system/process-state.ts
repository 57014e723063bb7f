/**
 * The state of a process: whether it still runs, and whether a pid still names the process
 * it named when it was noted (its start time).
 *
 * Waiting until killed processes are really gone, so "killed" is said only when it is true.
 *
 * SIGKILL is sent at once but takes effect later: a process must be scheduled to die, and
 * one with a lot of memory spends a while tearing it down, all the while still running as
 * far as `ps` (and a test, and the port it holds) can tell. A caller that says "killed"
 * the moment it has sent the signal is sometimes wrong, and a busy machine makes it wrong
 * often (two CI runs saw a killed client still there when its killer answered).
 *
 * A zombie counts as gone: it has released everything (memory, files, ports) and only its
 * parent can reap it; for a process whose parent died, that parent is init, which in a
 * container may never reap it.
 */

/**
 * How long processes may take to die after SIGKILL before the caller says they outlived it.
 * Dying takes milliseconds, or a few hundred for a process with gigabytes to unmap; one
 * still there after this is stuck in the kernel (uninterruptible sleep on a dead mount,
 * say), and nothing the caller does will end it.
 */
export const KILL_WAIT_MS = 3_000;
const POLL_MS = 10;

// Not an import: see system/index.ts (an ES module import of node:fs costs every command CPU).
const { readdirSync, readFileSync } = process.getBuiltinModule('node:fs');

/**
 * The fields of /proc/<pid>/stat after the command name, so [0] is field 3 (the state),
 * [1] the parent, [2] the process group, [3] the session, [19] the start time; null when
 * there is no such process (or no /proc). The command name (field 2) is in parentheses and
 * may itself hold spaces or ')', so the fields are read after the last ')'.
 */
export function statFields(pid: number | string): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/** Whether a process with this pid exists (EPERM: it does, but is someone else's); a
 *  negative pid asks about a process group. Where there is no /proc, all there is to ask. */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * When process `pid` started (field 22 of /proc/<pid>/stat, clock ticks since boot), or
 * undefined where it is gone or there is no /proc. A pid and its start time name one process
 * for ever: pids are reused, and on a busy machine with Linux's default pid_max of 32768
 * they come round again within minutes.
 */
export function startTimeOf(pid: number): string | undefined {
  return statFields(pid)?.[19];
}

function hasProc(): boolean {
  try {
    readdirSync('/proc/self');
    return true;
  } catch {
    return false;
  }
}

/** Members of process group `group` that are alive (not zombies), read from /proc. */
function liveGroupMembers(group: number): number[] {
  return readdirSync('/proc')
    .filter((entry) => {
      if (!/^\d+$/.test(entry)) return false;
      const fields = statFields(entry);
      return fields !== null && Number(fields[2]) === group && fields[0] !== 'Z';
    })
    .map(Number);
}

/** The processes among `pids`, and the live members of the process groups in `groups`, that still run. */
function stillRunning(pids: readonly number[], groups: readonly number[] = []): number[] {
  if (!hasProc()) {
    return [...pids.filter((pid) => processExists(pid)), ...groups.filter((group) => processExists(-group)).map((group) => -group)];
  }
  const running = new Set(
    pids.filter((pid) => {
      const state = statFields(pid)?.[0];
      return state !== undefined && state !== 'Z';
    }),
  );
  for (const group of groups) for (const pid of liveGroupMembers(group)) running.add(pid);
  return [...running];
}

/** Processes that outlived their SIGKILL, in words: "process 12 still runs", "processes 12, 13 still run". */
export function stillRunningWords(pids: readonly number[]): string {
  return pids.length === 1 ? `process ${pids[0]} still runs` : `processes ${pids.join(', ')} still run`;
}

/**
 * Resolves when none of `pids` and no live member of `groups` runs any more, or at
 * `boundMs` with those that still do (empty: all gone).
 */
export async function waitUntilGone(pids: readonly number[], groups: readonly number[] = [], boundMs = KILL_WAIT_MS): Promise<number[]> {
  const deadline = Date.now() + boundMs;
  for (;;) {
    const running = stillRunning(pids, groups);
    if (running.length === 0 || Date.now() >= deadline) return running;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
