/**
 * Runs the program as a child process with the probe loaded first, collects the probe's
 * events and the program's output, and makes sure nothing outlives the run.
 *
 * The child gets its own process group (detached), so at the end, and at the timeout, one
 * SIGKILL to the group takes the program and everything it started: no process is left
 * behind and the port it listened on is free again when this resolves.
 *
 * The probe reports on fd 3 (a pipe, read here line by line). With `waitForGo` the child
 * also gets fd 4 and the probe blocks on it until go() is called: the verifier starts Node
 * while esbuild is still writing the entry, so the child's ~60 ms of start-up and the
 * transpile happen at the same time instead of one after the other.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import type { ProbeEvent } from './events.js';

export interface RunRequest {
  cwd: string;
  /** the file node runs */
  file: string;
  nodeFlags: string[];
  probeUrl: string;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  waitForGo: boolean;
  /** Synchronous clean-up (a temporary directory) for when the verifier itself is interrupted. */
  onInterrupt?: () => void;
}

export interface RunOutcome {
  /** performance.timeOrigin + performance.now() at spawn, the zero of the timeline */
  startedAt: number;
  events: ProbeEvent[];
  stdout: string;
  stderr: string;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  /** stopped before go(): the entry never ran */
  aborted: boolean;
  /** the child could not be started at all */
  spawnError: string | null;
  durationMs: number;
}

export interface RunningProgram {
  go(): void;
  abort(): void;
  done: Promise<RunOutcome>;
}

// Output beyond this is dropped: a program stuck printing in a loop must not eat the
// verifier's memory before the timeout stops it.
const MAX_OUTPUT = 1 << 20;

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // ESRCH: the whole group is gone already
  }
}

/**
 * Every process descended from `pid`, read from /proc (Linux). The process group does not
 * cover a child the program started with `detached: true` (it gets a group of its own), so
 * a program stopped at the timeout is taken down by its family tree as well. Elsewhere, or
 * if /proc cannot be read, the group kill alone has to do.
 */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so read after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(entry));
      children.set(ppid, list);
    } catch {
      // the process ended while we looked
    }
  }
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift() as number) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

/** The program, its process group, and everything it started, however it detached it. */
function killTree(pid: number | undefined): void {
  if (pid === undefined) return;
  const family = descendants(pid);
  killGroup(pid);
  for (const member of family) {
    try {
      process.kill(member, 'SIGKILL');
    } catch {
      // gone already
    }
  }
}

export function startProgram(request: RunRequest): RunningProgram {
  const startedAt = performance.timeOrigin + performance.now();
  // Not node:crypto (~3 ms to load before the program starts): this only has to be
  // unguessable by a program that was never told it (the probe deletes it from the env).
  const token = `${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
  let pid: number | undefined;
  // If the verifier itself is stopped (Ctrl-C, kill), the detached child would not get the
  // terminal's signal: take it down with us. Registered before the spawn, so there is no
  // moment in which the child exists and a Ctrl-C would end only the verifier.
  const onParentExit = () => killTree(pid);
  const onSignal = (signal: NodeJS.Signals) => {
    killTree(pid);
    // The signal is raised again below and ends this process before any finally runs.
    request.onInterrupt?.();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.kill(process.pid, signal);
  };
  process.on('exit', onParentExit);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const child = spawn(process.execPath, [...request.nodeFlags, '--import', request.probeUrl, request.file], {
    cwd: request.cwd,
    env: { ...request.env, H2_SETUP_VERIFY_FD: '3', H2_SETUP_VERIFY_TOKEN: token, ...(request.waitForGo ? { H2_SETUP_VERIFY_GO_FD: '4' } : {}) },
    stdio: ['ignore', 'pipe', 'pipe', 'pipe', request.waitForGo ? 'pipe' : 'ignore'],
    detached: true,
  });
  pid = child.pid;

  const events: ProbeEvent[] = [];
  let stdout = '';
  let stderr = '';
  let pending = '';
  let timedOut = false;
  let aborted = false;
  let spawnError: string | null = null;
  let timer: NodeJS.Timeout | undefined;

  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    if (stdout.length < MAX_OUTPUT) stdout += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    if (stderr.length < MAX_OUTPUT) stderr += chunk;
  });
  const probe = child.stdio[3] as Readable | null;
  probe?.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (pending + chunk).split('\n');
    // The last piece is an unfinished line (or ''): keep it for the next chunk.
    pending = lines.pop() ?? '';
    for (const line of lines) {
      try {
        const { k, ...event } = JSON.parse(line) as ProbeEvent & { k?: unknown };
        // Without this run's token the line is not the probe's (the program wrote to fd 3).
        if (k === token) events.push(event as ProbeEvent);
      } catch {
        // not JSON, so not ours either
      }
    }
  });
  const goPipe = child.stdio[4] as Writable | null;
  goPipe?.on('error', () => {});

  const startTimer = () => {
    timer = setTimeout(() => {
      timedOut = true;
      killTree(pid);
    }, request.timeoutMs);
  };
  if (!request.waitForGo) startTimer();

  const done = new Promise<RunOutcome>((resolvePromise) => {
    let exitCode: number | null = null;
    let signal: NodeJS.Signals | null = null;
    const finish = () => {
      clearTimeout(timer);
      process.off('exit', onParentExit);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolvePromise({
        startedAt,
        events,
        stdout,
        stderr,
        exitCode,
        signal,
        timedOut,
        aborted,
        spawnError,
        durationMs: Math.round((performance.timeOrigin + performance.now() - startedAt) * 10) / 10,
      });
    };
    child.on('error', (error) => {
      spawnError = error.message;
      finish();
    });
    child.on('exit', (code, exitSignal) => {
      exitCode = code;
      signal = exitSignal;
      // Whatever the program started is in its group: it goes too, which also closes the
      // pipes those processes inherited, so 'close' below cannot wait on them.
      killGroup(pid);
    });
    // 'close' comes after 'exit' once every pipe is drained: no event or output is missed.
    child.on('close', finish);
  });

  return {
    go() {
      startTimer();
      goPipe?.end('g');
    },
    abort() {
      aborted = true;
      killTree(pid);
    },
    done,
  };
}
