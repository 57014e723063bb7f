/**
 * Stops the program and every process it started, however it started them.
 *
 * The program runs detached, so it leads a session and a process group of its own (both
 * numbered by its pid). A plain child stays in that group and session; a child started with
 * `detached: true` (setsid) leads a session of its own, and once the program exits it is
 * re-parented to init, so neither the group nor the parent links lead to it any more. What
 * still does: the probe reports the pid of every process the program starts (from any
 * thread), and a process never leaves its session unless it calls setsid itself. So the
 * family is: the program's group, every process in the program's session or in the session
 * of a process the program started, and all their descendants (read from /proc on Linux;
 * elsewhere only the group and the reported pids can be reached).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { startTimeOf, statFields } from '../system/index.js';

export interface StoppedProcess {
  pid: number;
  /** its command line, as /proc shows it (null where there is no /proc) */
  command: string | null;
}

interface ProcessEntry {
  pid: number;
  ppid: number;
  session: number;
  zombie: boolean;
}

function readProcesses(): ProcessEntry[] | null {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return null;
  }
  const processes: ProcessEntry[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = statFields(entry);
    // null: the process ended while we looked
    if (fields) processes.push({ pid: Number(entry), ppid: Number(fields[1]), session: Number(fields[3]), zombie: fields[0] === 'Z' });
  }
  return processes;
}

function commandLine(pid: number): string | null {
  try {
    const text = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
    return text || null;
  } catch {
    return null;
  }
}

function kill(pid: number): boolean {
  try {
    process.kill(pid, 'SIGKILL');
    return true;
  } catch {
    // gone already
    return false;
  }
}

/** A process the program started, as the probe reported it, with its start time then
 *  (undefined where there is no /proc, or it had already ended). */
export interface StartedProcess {
  pid: number;
  startTime: string | undefined;
}

export interface StoppedFamily {
  /** the processes other than the program that were still running and were stopped, for the report */
  stopped: StoppedProcess[];
  /** every pid sent SIGKILL, the program's included: the run is over once they are gone */
  signalled: number[];
}

/**
 * SIGKILLs `root` (the program) and its whole family, `started` being the pids the probe
 * reported.
 */
export function stopFamily(root: number, startedProcesses: readonly StartedProcess[]): StoppedFamily {
  // Only those the pid still names: one that ended long ago may have handed its pid on.
  const started = startedProcesses.filter(({ pid, startTime }) => startTime === undefined || startTimeOf(pid) === startTime).map(({ pid }) => pid);
  const processes = readProcesses();
  // Never this process or its ancestors, whatever a session number might say.
  const protectedPids = new Set([process.pid, process.ppid]);
  const stopped: StoppedProcess[] = [];
  const signalled = [root];
  if (processes === null) {
    kill(-root);
    for (const pid of started) {
      if (protectedPids.has(pid)) continue;
      if (kill(pid)) stopped.push({ pid, command: null });
      signalled.push(pid);
      kill(-pid);
    }
    return { stopped, signalled };
  }
  const sessions = new Set([root, ...started]);
  const family = new Set<number>(started.filter((pid) => processes.some((entry) => entry.pid === pid)));
  for (const entry of processes) if (sessions.has(entry.session) || entry.pid === root) family.add(entry.pid);
  // And their descendants, however far they moved (a grandchild that called setsid itself).
  let grew = true;
  while (grew) {
    grew = false;
    for (const entry of processes) {
      if (!family.has(entry.pid) && family.has(entry.ppid)) {
        family.add(entry.pid);
        grew = true;
      }
    }
  }
  const zombies = new Set(processes.filter((entry) => entry.zombie).map((entry) => entry.pid));
  // Read the command lines first: after the kill they are gone.
  const named = [...family].filter((pid) => !protectedPids.has(pid)).map((pid) => ({ pid, command: commandLine(pid) }));
  kill(-root);
  for (const { pid, command } of named) {
    if (!kill(pid)) continue;
    if (!signalled.includes(pid)) signalled.push(pid);
    if (pid !== root && !zombies.has(pid)) stopped.push({ pid, command });
  }
  return { stopped, signalled };
}
