/**
 * The processes of the program: every process it starts is reported (so that none outlives
 * the run, even one it detached and left), a Node process it forks with the probe gets the
 * channel too (plumbing.ts), and each process's main thread reports its start, its uncaught
 * exceptions and its exit.
 */
import { createRequire } from 'node:module';
import { stackLocation } from './call-sites.js';
import { portOf } from './http2.js';
import type { AnyFunction, Emitter } from './listeners.js';
import { plumbing, plumbingForChild, send } from './plumbing.js';

const require = createRequire(import.meta.url);

interface SpawnOptions {
  file?: unknown;
  args?: unknown;
  detached?: unknown;
  stdio?: unknown;
  envPairs?: unknown;
}

/** Whether a child's command line loads this probe (node with the program's execArgv). */
function loadsProbe(args: readonly string[], probeUrl: string): boolean {
  return args.some((arg, i) => arg === `--import=${probeUrl}` || (arg === '--import' && args[i + 1] === probeUrl));
}

/** The child's stdio as an array, with the channel added at the first index after what it already has (fork's IPC is on 3). */
function withChannel(stdio: unknown, fd: number): { stdio: unknown[]; index: number } {
  const list = Array.isArray(stdio) ? [...stdio] : typeof stdio === 'string' ? [stdio, stdio, stdio] : ['pipe', 'pipe', 'pipe'];
  while (list.length < 3) list.push(undefined);
  const index = list.length;
  list.push(fd);
  return { stdio: list, index };
}

/**
 * Every process the program starts goes through ChildProcess.prototype.spawn (spawn, fork,
 * exec, execFile, cluster.fork), so that is where they are seen.
 */
export function watchChildProcesses(probeUrl: string): void {
  const { ChildProcess } = require('node:child_process') as { ChildProcess: { prototype: Emitter } };
  const spawnChild = ChildProcess.prototype.spawn as AnyFunction;
  ChildProcess.prototype.spawn = function (this: Emitter, options: SpawnOptions | undefined, ...rest: unknown[]) {
    let spawnOptions = options;
    try {
      const args = Array.isArray(options?.args) ? options.args.map(String) : [];
      if (options && plumbing.fd >= 0 && Array.isArray(options.envPairs) && loadsProbe(args, probeUrl)) {
        const { stdio, index } = withChannel(options.stdio, plumbing.fd);
        spawnOptions = { ...options, stdio, envPairs: [...options.envPairs, plumbingForChild(index)] };
      }
    } catch {
      // observing must never break the program
    }
    const result = Reflect.apply(spawnChild, this, [spawnOptions, ...rest]);
    try {
      if (typeof this.pid === 'number') {
        const args = Array.isArray(options?.args) ? options.args.map(String) : [];
        send({ type: 'child-started', pid: this.pid, detached: Boolean(options?.detached), command: args.join(' ') || String(options?.file ?? '') });
      }
    } catch {
      // observing must never break the program
    }
    return result;
  };
}

/**
 * A process's own events, from its main thread: a worker's exit is not the process's, and an
 * exception that ends a worker reaches the main thread as the Worker's 'error' event
 * (uncaught there only if the program does not listen for it).
 */
export function watchMainThread(): void {
  process.on('uncaughtExceptionMonitor', (error: unknown, origin: string) => {
    const record = (error ?? {}) as { name?: unknown; message?: unknown; code?: unknown; path?: unknown; syscall?: unknown; stack?: unknown };
    const stack = typeof record.stack === 'string' ? record.stack : '';
    // Node heads a SyntaxError from compiling a module with "file:line" (CommonJS) and the
    // source line; keep it, the verifier reports it as "did not compile".
    const head = /^(\S+?):(\d+)\n/.exec(stack);
    send({
      type: 'uncaught',
      name: typeof record.name === 'string' ? record.name : typeof error,
      message: typeof record.message === 'string' ? record.message : String(error),
      code: typeof record.code === 'string' ? record.code : null,
      path: typeof record.path === 'string' ? record.path : null,
      syscall: typeof record.syscall === 'string' ? record.syscall : null,
      port: portOf(error),
      // An ES module's top-level throw reaches Node as a rejected module promise; it is a throw.
      origin: origin === 'unhandledRejection' && stack.includes('node:internal/modules/esm/module_job') ? 'uncaughtException' : origin,
      location: stackLocation(stack),
      compileLocation: head ? `${head[1]}:${head[2]}` : null,
      // The monitor runs before the program's own 'uncaughtException' listeners: when there
      // are any (or a domain-style capture callback), the program handles it and goes on.
      handled: process.listenerCount('uncaughtException') > 0 || process.hasUncaughtExceptionCaptureCallback(),
    });
  });
  process.on('exit', (code) => send({ type: 'exit', code }));
  send({ type: 'probe-ready', pid: process.pid, node: process.version });
}
