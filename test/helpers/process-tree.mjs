// Ending everything a test started. Killing the child's process group is not enough:
// `h2-setup verify` starts the verified program in a group of its own, npm and Chromium
// start helpers, and a process whose parent died is re-parented away from our tree. So a
// test run is found three ways: by parent links in /proc, by process group, and by a
// marker in the environment every process it starts inherits.
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';

/** The environment variable that marks everything one run of a child started. */
export const RUN_MARKER = 'H2_SETUP_TEST_RUN';

/** A fresh marker: add `env` to a child's environment, give `id` to killProcessTree. */
export function newRunMarker() {
  const id = randomUUID();
  return { id, env: { [RUN_MARKER]: id } };
}

/** pid -> { ppid, pgid } for every process we can read (empty where there is no /proc). */
function processTable() {
  const table = new Map();
  let entries = [];
  try {
    entries = readdirSync('/proc');
  } catch {
    return table;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name may hold spaces and parentheses; the fields after it do not.
      const [, ppid, pgid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      table.set(Number(entry), { ppid: Number(ppid), pgid: Number(pgid) });
    } catch {}
  }
  return table;
}

/** Pids whose environment holds `${name}=${value}` (our own processes; Linux only). */
export function processesWithEnv(name, value) {
  const needle = `${name}=${value}`;
  const pids = [];
  for (const pid of processTable().keys()) {
    if (pid === process.pid) continue;
    try {
      if (readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(needle)) pids.push(pid);
    } catch {}
  }
  return pids;
}

/** `rootPid` and every process below it, by parent links. */
function treeOf(rootPid, table) {
  const children = new Map();
  for (const [pid, { ppid }] of table) {
    if (!children.has(ppid)) children.set(ppid, []);
    children.get(ppid).push(pid);
  }
  const found = [rootPid];
  for (let i = 0; i < found.length; i++) found.push(...(children.get(found[i]) ?? []));
  return found;
}

function signal(target, name) {
  try {
    process.kill(target, name);
  } catch {}
}

/**
 * Kills `rootPid`, its descendants, their process groups, and (when `marker` is the
 * value of RUN_MARKER given to the child) every process carrying that marker. Each one
 * found is stopped first and the search repeated, so nothing can fork or be re-parented
 * out of reach between being found and being killed. Returns the pids it killed.
 */
export function killProcessTree(rootPid, marker) {
  const ownGroup = processTable().get(process.pid)?.pgid;
  const found = new Set();
  for (let round = 0; round < 20; round++) {
    const table = processTable();
    const candidates = [...treeOf(rootPid, table), ...(marker ? processesWithEnv(RUN_MARKER, marker) : [])];
    for (const pid of [...found]) candidates.push(...treeOf(pid, table).slice(1));
    const fresh = candidates.filter((pid) => pid !== process.pid && !found.has(pid) && table.has(pid));
    if (fresh.length === 0) break;
    for (const pid of fresh) {
      found.add(pid);
      signal(pid, 'SIGSTOP');
    }
  }
  const table = processTable();
  const groups = new Set([rootPid]);
  for (const pid of found) {
    const pgid = table.get(pid)?.pgid;
    if (pgid && pgid !== ownGroup) groups.add(pgid);
  }
  for (const pgid of groups) signal(-pgid, 'SIGKILL');
  for (const pid of found) signal(pid, 'SIGKILL');
  // Where there is no /proc (not Linux), the group is all we can reach.
  signal(rootPid, 'SIGKILL');
  return [...found];
}

/** Alive means running: a zombie waiting to be reaped (PID 1 in a container may never) is dead. */
export function isAlive(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch (error) {
    if (error.code === 'ENOENT') return false;
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs `work()` while noting every process whose command line mentions one of `needles`, and
 * returns its result with the pids of those still alive the moment it answered. A zombie
 * is not alive (it holds nothing; only its parent can reap it). Checking pids by state,
 * rather than looking for the needle again, matters: a process being torn down after a
 * SIGKILL has already lost its command line while it still runs.
 */
export async function aliveWhenAnswered(needles, work) {
  const seen = new Set();
  const look = () => {
    for (const needle of needles) for (const pid of processesMentioning(needle)) seen.add(pid);
  };
  const watcher = setInterval(look, 5);
  try {
    const result = await work();
    const alive = [...seen].filter(isAlive);
    return { result, seen: [...seen], alive };
  } finally {
    clearInterval(watcher);
  }
}

/** Pids (not this process) whose command line has an argument containing `needle` (Linux). */
export function processesMentioning(needle) {
  const pids = [];
  for (const pid of processTable().keys()) {
    if (pid === process.pid) continue;
    try {
      if (
        readFileSync(`/proc/${pid}/cmdline`, 'utf8')
          .split('\0')
          .some((arg) => arg.includes(needle))
      )
        pids.push(pid);
    } catch {}
  }
  return pids;
}
