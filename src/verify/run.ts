/**
 * Runs the program as a child process with the probe loaded first, collects the probe's
 * events and the program's output, and makes sure nothing outlives the run.
 *
 * The child gets its own session and process group (detached); at the end, at the timeout,
 * and after a normal exit too, process-family.ts SIGKILLs the program and everything it
 * started, detached or not: no process is left behind and the port it listened on is free
 * again when this resolves.
 *
 * The probe reports on fd 3 (a pipe, read here line by line). The run ends when the program
 * has exited and its pipes are drained, or a moment after that however long something
 * else holds them (a process the program started with the same stdout, say), and never
 * later than `timeoutMs` plus that moment: this resolves within timeout + ~1 s, whatever.
 */
import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { waitUntilGone } from '../system/index.js';
import type { ProbeEvent } from './events.js';
import { type StoppedProcess, stopFamily } from './process-family.js';

export interface RunRequest {
  cwd: string;
  /** the file node runs */
  file: string;
  nodeFlags: string[];
  probeUrl: string;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  /** called with each probe event as it arrives (the run's own list is filled regardless) */
  onEvent?: (event: ProbeEvent) => void;
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
  const child = spawn(process.execPath, [...request.nodeFlags, '--import', request.probeUrl, request.file], {
    cwd: request.cwd,
    env: { ...request.env, H2_SETUP_VERIFY_FD: '3', H2_SETUP_VERIFY_TOKEN: token },
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    detached: true,
  });
  const pid = child.pid;

  const events: ProbeEvent[] = [];
  const startedPids: number[] = [];
  let stdout = '';
  let stderr = '';
  let pending = '';
  let timedOut = false;
  let exited = false;
  let spawnError: string | null = null;
  let exitCode: number | null = null;
  let signal: NodeJS.Signals | null = null;
  const stopped: StoppedProcess[] = [];

  let familyStopped = false;
  const signalled = new Set<number>();
  const stop = () => {
    if (pid === undefined) return;
    familyStopped = true;
    const family = stopFamily(pid, startedPids);
    for (const signalledPid of family.signalled) signalled.add(signalledPid);
    for (const found of family.stopped) {
      // esbuild's service, which typescript-hooks.ts started in the program: ours, not the program's.
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
  probe?.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (pending + chunk).split('\n');
    // The last piece is an unfinished line (or ''): keep it for the next chunk.
    pending = lines.pop() ?? '';
    for (const line of lines) {
      try {
        const { k, ...event } = JSON.parse(line) as ProbeEvent & { k?: unknown };
        // Without this run's token the line is not the probe's (the program wrote to fd 3).
        if (k !== token) continue;
        events.push(event as ProbeEvent);
        if (event.type === 'child-started') startedPids.push(event.pid);
        request.onEvent?.(event as ProbeEvent);
      } catch {
        // not JSON, so not ours either
      }
    }
  });

  const done = new Promise<RunOutcome>((resolvePromise) => {
    let finished = false;
    let drainTimer: NodeJS.Timeout | undefined;
    const finish = () => {
      if (finished) return;
      finished = true;
      // After a normal exit too: nothing the program started may outlive the run.
      if (!familyStopped) stop();
      clearTimeout(timer);
      clearTimeout(drainTimer);
      // Whatever still holds a pipe is stopped by now; stop reading them.
      for (const stream of [child.stdout, child.stderr, probe]) stream?.destroy();
      // The run is over when what was killed is gone, not when the signal was sent: the
      // caller reports it stopped, and the program's port must be free again by then.
      void waitUntilGone([...signalled], pid === undefined ? [] : [pid]).then((survivors) =>
        resolvePromise({
          startedAt,
          events,
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
      // The probe's pipe closes with the program (nothing else has fd 3), so every pid it
      // reported is known once it has ended; then the rest of the family goes, which also
      // closes the pipes those processes inherited.
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
