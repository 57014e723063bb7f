/**
 * Runs the program as a child process with the probe loaded first, collects the probe's
 * events and the program's output, and makes sure nothing outlives the run.
 *
 * The child gets its own session and process group (detached); at the end, at the timeout,
 * and after a normal exit too, process-family.ts SIGKILLs the program and everything it
 * started, detached or not: no process is left behind and the port it listened on is free
 * again when this resolves.
 *
 * The probe reports on the channel, a pipe that is the program's fd 3 (and another fd in a
 * process it forks: probe/plumbing.ts), in framed records only this run's token can make
 * (channel/record.ts). The run ends when the program has exited and its pipes are drained,
 * or a moment after that however long something else holds them (a process the program
 * started with the same stdout, say), and never later than `timeoutMs` plus that moment:
 * this resolves within timeout + ~1 s, whatever.
 *
 * Events from every thread and process of the program arrive here; servers, sessions,
 * streams and listeners are numbered anew, in order of arrival, across all of them.
 */
import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { startTimeOf, waitUntilGone } from '../system/index.js';
import { type ProbeEvent, RecordReader } from './channel/index.js';
import { PLUMBING_ENV, type Plumbing } from './probe/index.js';
import { type StartedProcess, type StoppedProcess, stopFamily } from './process-family.js';

export interface RunRequest {
  cwd: string;
  /** the file node runs */
  file: string;
  nodeFlags: string[];
  probeUrl: string;
  env: NodeJS.ProcessEnv;
  /** what the probe needs besides the channel: whether to load TypeScript, and the cache */
  typescript: boolean;
  cacheDir: string | null;
  timeoutMs: number;
  /** called with each probe event as it arrives (the run's own list is filled regardless) */
  onEvent?: (event: ProbeEvent) => void;
}

export interface RunOutcome {
  /** performance.timeOrigin + performance.now() at spawn, the zero of the timeline */
  startedAt: number;
  /** the program's process id (its events are the ones with this pid); null if it never started */
  pid: number | null;
  events: ProbeEvent[];
  stdout: string;
  stderr: string;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  /** processes the program started that were still running after it exited or was stopped */
  stopped: StoppedProcess[];
  /** processes sent SIGKILL that were still running a bound after it (empty: all gone) */
  survivors: number[];
  /** the child could not be started at all */
  spawnError: string | null;
  durationMs: number;
}

export interface RunningProgram {
  /** stops the program and everything it started, now (synchronous: safe in an exit handler) */
  stop(): void;
  done: Promise<RunOutcome>;
}

// Output beyond this is dropped: a program stuck printing in a loop must not eat the
// verifier's memory before the timeout stops it.
const MAX_OUTPUT = 1 << 20;
// After the program's exit (or its kill at the timeout), how long its pipes may take to drain
// before they are cut; also the bound on waiting for the exit itself after a SIGKILL.
const DRAIN_MS = 500;
const ESBUILD_SERVICE = /[\\/]esbuild(?:\.exe)? --service=/;

export function startProgram(request: RunRequest): RunningProgram {
  const startedAt = performance.timeOrigin + performance.now();
  // Not node:crypto (~3 ms to load before the program starts): this only has to be
  // unguessable by a program that was never told it (the probe deletes it from the env).
  const token = `${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
  const plumbing: Plumbing = { fd: 3, token, typescript: request.typescript, cacheDir: request.cacheDir };
  const child = spawn(process.execPath, [...request.nodeFlags, '--import', request.probeUrl, request.file], {
    cwd: request.cwd,
    env: { ...request.env, [PLUMBING_ENV]: JSON.stringify(plumbing) },
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    detached: true,
  });
  const pid = child.pid;

  const events: ProbeEvent[] = [];
  const startedPids: StartedProcess[] = [];
  let stdout = '';
  let stderr = '';
  let timedOut = false;
  let exited = false;
  let spawnError: string | null = null;
  let exitCode: number | null = null;
  let signal: NodeJS.Signals | null = null;
  const stopped: StoppedProcess[] = [];

  // Every pid sent SIGKILL; empty until the family has been stopped once.
  const signalled = new Set<number>();
  const stop = () => {
    if (pid === undefined) return;
    const family = stopFamily(pid, startedPids);
    for (const signalledPid of family.signalled) signalled.add(signalledPid);
    for (const found of family.stopped) {
      // esbuild's service, which the TypeScript loader started in the program: ours, not the program's.
      if (found.command && ESBUILD_SERVICE.test(found.command)) continue;
      if (!stopped.some((known) => known.pid === found.pid)) stopped.push(found);
    }
  };

  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    if (stdout.length < MAX_OUTPUT) stdout += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    if (stderr.length < MAX_OUTPUT) stderr += chunk;
  });
  const probe = child.stdio[3] as Readable | null;
  const renumber = numberAcrossProcesses();
  const reader = new RecordReader(token, (record) => {
    const event = renumber(record as unknown as ProbeEvent);
    events.push(event);
    // Noted with its start time now, while the pid surely still names that process (it was
    // started a moment ago), so a pid that has since come round to another process is never
    // taken for the program's at the end of a long run.
    if (event.type === 'child-started') startedPids.push({ pid: event.pid, startTime: startTimeOf(event.pid) });
    request.onEvent?.(event);
  });
  probe?.on('data', (chunk: Buffer) => reader.push(chunk));

  const done = new Promise<RunOutcome>((resolvePromise) => {
    let finished = false;
    let drainTimer: NodeJS.Timeout | undefined;
    const finish = () => {
      if (finished) return;
      finished = true;
      // After a normal exit too: nothing the program started may outlive the run.
      if (signalled.size === 0) stop();
      clearTimeout(timer);
      clearTimeout(drainTimer);
      // Whatever still holds a pipe is stopped by now; stop reading them.
      for (const stream of [child.stdout, child.stderr, probe]) stream?.destroy();
      // The run is over when what was killed is gone, not when the signal was sent: the
      // caller reports it stopped, and the program's port must be free again by then.
      void waitUntilGone([...signalled], pid === undefined ? [] : [pid]).then((survivors) =>
        resolvePromise({
          startedAt,
          pid: pid ?? null,
          // In time order: threads and processes write to the one pipe, each taking its time
          // just before its write, so arrival order can differ from it by a hair.
          events: events.sort((a, b) => a.t - b.t),
          stdout,
          stderr,
          exitCode,
          signal,
          timedOut,
          stopped,
          survivors,
          spawnError,
          durationMs: Math.round((performance.timeOrigin + performance.now() - startedAt) * 10) / 10,
        }),
      );
    };
    const drainThenFinish = () => {
      if (finished) return;
      clearTimeout(drainTimer);
      drainTimer = setTimeout(finish, DRAIN_MS);
    };
    const timer = setTimeout(() => {
      if (exited) return;
      timedOut = true;
      stop();
      // The exit normally follows at once; if not (a process stuck in the kernel), do not wait for it.
      drainThenFinish();
    }, request.timeoutMs);
    child.on('error', (error) => {
      spawnError = error.message;
      finish();
    });
    child.on('exit', (code, exitSignal) => {
      exited = true;
      exitCode = code;
      signal = exitSignal;
      // The channel closes with the program unless processes it started hold it too (a
      // forked child with the probe, a child that inherited fd 3): every pid the program
      // reported is known once it has closed, or DRAIN_MS after the exit; then the rest of
      // the family goes, which also closes the pipes those processes inherited.
      const afterProbe = () => {
        if (finished) return;
        stop();
        drainThenFinish();
      };
      if (!probe || probe.readableEnded || probe.destroyed) afterProbe();
      else {
        const fallback = setTimeout(afterProbe, DRAIN_MS).unref();
        probe.once('close', () => {
          clearTimeout(fallback);
          afterProbe();
        });
      }
    });
    // 'close' comes after 'exit' once every pipe is drained: no event or output is missed.
    child.on('close', finish);
  });

  return { stop, done };
}

const ID_FIELDS = ['server', 'session', 'stream', 'listener'] as const;

/**
 * Each thread and process numbers its own servers, sessions, streams and listeners; this
 * gives them one numbering for the whole program, in order of first appearance, so that
 * "session #2" means one session whichever process it lived in.
 */
function numberAcrossProcesses(): (event: ProbeEvent) => ProbeEvent {
  const numbers = new Map<string, number>();
  const counts = new Map<string, number>();
  return (event) => {
    const fields = event as unknown as Record<string, unknown>;
    for (const kind of ID_FIELDS) {
      const local = fields[kind];
      if (typeof local !== 'number') continue;
      const key = `${kind}:${event.where?.pid ?? 0}:${local}`;
      let global = numbers.get(key);
      if (global === undefined) {
        global = (counts.get(kind) ?? 0) + 1;
        counts.set(kind, global);
        numbers.set(key, global);
      }
      fields[kind] = global;
    }
    return event;
  };
}
