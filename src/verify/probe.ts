/**
 * The probe: loaded into the verified program with `node --import <file URL of this file>`
 * before the program's own code, it watches every http2 server and session the program
 * makes and reports what happens, one JSON line per event, on the file descriptor named by
 * H2_SETUP_VERIFY_FD (a pipe to the verifier).
 *
 * Why it works for every import style: `require('node:http2')` returns the same object that
 * `require('http2')` gives CommonJS programs, and after patching it
 * module.syncBuiltinESMExports() copies the patched functions into the ES module facade, so
 * `import * as http2`, `import http2 from` and `import { createServer, connect }` all see
 * the wrappers.
 *
 * Why events go out with fs.writeSync: a synchronous write cannot be lost when the program
 * calls process.exit() or is killed a moment later, which asynchronous streams can.
 *
 * Why it only observes: listeners are never added (an 'error' listener would swallow the
 * program's crash, a 'data' listener would switch a stream to flowing mode); instead the
 * instance's emit(), push(), close() and friends are wrapped, which changes nothing the
 * program can see except an extra frame on stacks.
 */
import { readSync, writeSync } from 'node:fs';
import { createRequire, findSourceMap, syncBuiltinESMExports } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Caller, ListenerTarget, ProbeEvent, Side } from './events.js';

// The probe patches Node's objects at run time; their shapes are not what the type system
// can follow, so these two types are deliberately loose.
type AnyFunction = (...args: any[]) => any;
type Emitter = Record<string | symbol, any>;
type Outgoing<E> = E extends unknown ? Omit<E, 't'> : never;

const require = createRequire(import.meta.url);
const PROBE_URL = import.meta.url;
const PROBE_PATH = fileURLToPath(import.meta.url);

// The events we follow listeners for: 'close' everywhere (the point of the tutorial), and the
// client request's 'response' and 'data' to explain lines the program did not print.
const TRACKED_EVENTS = new Set(['close', 'response', 'data']);

let outFd = Number(process.env.H2_SETUP_VERIFY_FD ?? -1);
// Every line carries this run's token, which only the verifier and the probe know, so a
// program writing lines of its own to fd 3 cannot make up events.
const token = process.env.H2_SETUP_VERIFY_TOKEN ?? '';
const goFd = Number(process.env.H2_SETUP_VERIFY_GO_FD ?? -1);
// The program (and anything it starts) should not see the verifier's plumbing.
delete process.env.H2_SETUP_VERIFY_FD;
delete process.env.H2_SETUP_VERIFY_TOKEN;
delete process.env.H2_SETUP_VERIFY_GO_FD;

function now(): number {
  return performance.timeOrigin + performance.now();
}

function send(event: Outgoing<ProbeEvent>): void {
  if (!(outFd >= 0)) return;
  const bytes = Buffer.from(`${JSON.stringify({ ...event, t: now(), k: token })}\n`, 'utf8');
  let offset = 0;
  while (offset < bytes.length) {
    try {
      offset += writeSync(outFd, bytes, offset, bytes.length - offset);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EAGAIN') continue;
      // The verifier is gone (EPIPE, EBADF): keep the program running, stop reporting.
      outFd = -1;
      return;
    }
  }
}

// ---------------------------------------------------------------------------------------
// Who is calling: the program or Node itself.

interface CallSite {
  getFileName(): string | null | undefined;
  getLineNumber(): number | null;
  getColumnNumber(): number | null;
}

function isProbeFile(file: string): boolean {
  return file === PROBE_URL || file === PROBE_PATH;
}

/** "file:line:col" in the program's own source: through the source map when the program was
 *  transpiled (the verifier runs it with --enable-source-maps), as a plain path otherwise. */
function sourceLocation(file: string, line: number, column: number): string {
  try {
    const map = findSourceMap(file);
    const entry = map?.findEntry(line - 1, column - 1) as { originalSource?: string; originalLine?: number; originalColumn?: number } | undefined;
    if (entry?.originalSource !== undefined && entry.originalLine !== undefined && entry.originalColumn !== undefined) {
      const original = entry.originalSource.startsWith('file:') ? fileURLToPath(entry.originalSource) : entry.originalSource;
      return `${original}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
    }
  } catch {
    // no usable map: fall back to the file that ran
  }
  return `${file.startsWith('file:') ? fileURLToPath(file) : file}:${line}:${column}`;
}

/**
 * The program's location that made the current call, or null when the call came from Node's
 * internals (e.g. `server.close(cb)` registering cb, http2 core closing a session on GOAWAY).
 * Reads structured call sites rather than formatting a stack string: cheap, and immune to
 * source-map rewriting. `node:events` frames are skipped because `events.once(session,
 * 'close')` is the program listening through a public helper.
 */
function callerLocation(): { caller: Caller; location: string | null } {
  const savedPrepare = Error.prepareStackTrace;
  const savedLimit = Error.stackTraceLimit;
  let sites: CallSite[] = [];
  try {
    Error.stackTraceLimit = 30;
    Error.prepareStackTrace = (_error, callSites) => callSites;
    const holder: { stack?: unknown } = {};
    Error.captureStackTrace(holder, callerLocation);
    sites = (holder.stack as CallSite[] | undefined) ?? [];
  } finally {
    Error.prepareStackTrace = savedPrepare;
    Error.stackTraceLimit = savedLimit;
  }
  for (const site of sites) {
    const file = site.getFileName();
    if (!file || isProbeFile(file) || file === 'node:events') continue;
    if (file.startsWith('node:')) return { caller: 'node', location: null };
    return { caller: 'program', location: sourceLocation(file, site.getLineNumber() ?? 0, site.getColumnNumber() ?? 0) };
  }
  return { caller: 'node', location: null };
}

/** The first program frame of a formatted stack (already source-mapped by Node). */
function stackLocation(stack: string): string | null {
  for (const line of stack.split('\n')) {
    const match = /^\s+at (?:.*\()?(.+?):(\d+):(\d+)\)?$/.exec(line);
    if (!match) continue;
    const file = match[1] as string;
    if (file.startsWith('node:') || isProbeFile(file)) continue;
    return `${file.startsWith('file:') ? fileURLToPath(file) : file}:${match[2]}:${match[3]}`;
  }
  return null;
}

// ---------------------------------------------------------------------------------------
// Instance patching helpers.

/** Replaces obj[name] on the instance with a wrapper that sees the call first. */
function before(obj: Emitter, name: string, hook: (self: Emitter, args: any[]) => void): void {
  const original = obj[name] as AnyFunction | undefined;
  if (typeof original !== 'function') return;
  obj[name] = function (this: Emitter, ...args: any[]) {
    try {
      hook(this, args);
    } catch {
      // observing must never break the program
    }
    return Reflect.apply(original, this, args);
  };
}

let nextListenerId = 0;

interface ListenerContext {
  target: ListenerTarget;
  side: Side | null;
  session: number | null;
  stream: number | null;
  server: number | null;
  closed: () => boolean;
}

/**
 * Whether a 'close' being emitted now is Node's: Node emits it on a session or stream only
 * once it is destroyed, and on a server once it has stopped listening. A program calling
 * `session.emit('close')` itself proves nothing about the event, so it is not counted.
 */
function isRealClose(obj: Emitter, target: ListenerTarget): boolean {
  return target === 'server' ? obj.listening === false : Boolean(obj.destroyed);
}

/**
 * Notes every listener the program (not Node) adds for a tracked event, and for 'close'
 * wraps it to report when it runs. The wrapper carries `.listener = original`, the same
 * convention EventEmitter uses for once(), so removeListener(original) and listeners() behave
 * exactly as without the probe; once() is re-implemented on top of on() for the same reason.
 */
function trackListeners(obj: Emitter, context: ListenerContext): void {
  const on = obj.on as AnyFunction;
  const prepend = obj.prependListener as AnyFunction;
  const methods: Record<string, { base: AnyFunction; once: boolean }> = {
    on: { base: on, once: false },
    addListener: { base: on, once: false },
    prependListener: { base: prepend, once: false },
    once: { base: on, once: true },
    prependOnceListener: { base: prepend, once: true },
  };
  for (const [name, { base, once }] of Object.entries(methods)) {
    const original = obj[name] as AnyFunction;
    obj[name] = function (this: Emitter, event: unknown, listener: unknown, ...rest: unknown[]) {
      if (typeof event !== 'string' || !TRACKED_EVENTS.has(event) || typeof listener !== 'function') {
        return Reflect.apply(original, this, [event, listener, ...rest]);
      }
      const { caller, location } = callerLocation();
      if (caller !== 'program') return Reflect.apply(original, this, [event, listener, ...rest]);
      const id = ++nextListenerId;
      const { closed, ...where } = context;
      send({ type: 'listener-added', listener: id, event, ...where, afterClose: closed(), location });
      if (event !== 'close') return Reflect.apply(original, this, [event, listener, ...rest]);
      const wrapped = function (this: Emitter, ...args: unknown[]) {
        if (once) this.removeListener(event, wrapped);
        if (isRealClose(this, where.target))
          send({ type: 'listener-ran', listener: id, event, target: where.target, side: where.side, session: where.session });
        return Reflect.apply(listener as AnyFunction, this, args);
      };
      (wrapped as unknown as { listener: unknown }).listener = listener;
      return Reflect.apply(base, this, [event, wrapped]);
    };
  }
}

// ---------------------------------------------------------------------------------------
// Streams, sessions, servers.

let nextStreamId = 0;
let nextSessionId = 0;
let nextServerId = 0;

function observeStream(stream: Emitter, side: Side, session: number, info: { method: string | null; path: string | null }, onClose: () => void): void {
  const id = ++nextStreamId;
  let closed = false;
  send({ type: 'stream-opened', session, stream: id, side, ...info });
  before(stream, 'emit', (self, [event, headers]) => {
    if (event === 'close' && isRealClose(self, 'stream')) {
      if (!closed) onClose();
      closed = true;
      send({ type: 'stream-closed', session, stream: id, side });
    } else if (event === 'response' && side === 'client') {
      const status = Number((headers as Record<string, unknown> | undefined)?.[':status']);
      send({ type: 'response', session, stream: id, side, status: Number.isFinite(status) ? status : null });
    }
  });
  // Incoming DATA frames arrive through push(); push(null) is the end of the stream.
  before(stream, 'push', (_self, [chunk]) => {
    if (chunk === null || chunk === undefined) return;
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    send({ type: 'data', session, stream: id, side, bytes: buffer.length, text: buffer.subarray(0, 200).toString('utf8') });
  });
  if (side === 'server') {
    before(stream, 'respond', (_self, [headers]) => {
      const status = Number((headers as Record<string, unknown> | undefined)?.[':status'] ?? 200);
      send({ type: 'response', session, stream: id, side, status: Number.isFinite(status) ? status : null });
    });
  }
  trackListeners(stream, { target: 'stream', side, session, stream: id, server: null, closed: () => closed });
}

function errorFields(error: unknown): { code: string | null; message: string } {
  const record = (error ?? {}) as { code?: unknown; message?: unknown };
  return { code: typeof record.code === 'string' ? record.code : null, message: typeof record.message === 'string' ? record.message : String(error) };
}

function observeSession(session: Emitter, side: Side, server: number | null, authority: string | null): void {
  const id = ++nextSessionId;
  let closed = false;
  let openStreams = 0;
  send({ type: 'session-opened', session: id, side, server, authority, alpn: typeof session.alpnProtocol === 'string' ? session.alpnProtocol : null });
  before(session, 'emit', (self, [event, ...args]) => {
    switch (event) {
      case 'connect':
        send({ type: 'session-connected', session: id, side, alpn: typeof self.alpnProtocol === 'string' ? self.alpnProtocol : null });
        break;
      case 'stream': {
        const stream = args[0] as Emitter;
        const headers = (args[1] ?? {}) as Record<string, unknown>;
        openStreams += 1;
        observeStream(stream, side, id, { method: stringOrNull(headers[':method']), path: stringOrNull(headers[':path']) }, () => (openStreams -= 1));
        break;
      }
      case 'goaway':
        send({ type: 'session-goaway', session: id, side, code: Number(args[0] ?? 0) });
        break;
      case 'error':
        send({ type: 'session-error', session: id, side, ...errorFields(args[0]) });
        break;
      case 'close':
        if (!isRealClose(self, 'session')) break;
        closed = true;
        send({ type: 'session-closed', session: id, side });
        break;
    }
  });
  for (const method of ['close', 'destroy'] as const) {
    before(session, method, (self, args) => {
      const { caller } = callerLocation();
      const alreadyClosing = Boolean(self.closed) || Boolean(self.destroyed);
      // Node calls close()/destroy() on a closing session several times on its way down;
      // only the program's calls and the call that starts the closing tell anything.
      if (caller === 'node' && alreadyClosing) return;
      send({
        type: 'session-close-called',
        session: id,
        side,
        method,
        by: caller,
        hasCallback: args.some((arg) => typeof arg === 'function'),
        alreadyClosing,
        alreadyClosed: closed,
        openStreams,
      });
    });
  }
  if (side === 'client') {
    const request = session.request as AnyFunction | undefined;
    if (typeof request === 'function') {
      session.request = function (this: Emitter, headers: Record<string, unknown> | undefined, ...rest: unknown[]) {
        const stream = Reflect.apply(request, this, [headers, ...rest]) as Emitter;
        try {
          openStreams += 1;
          observeStream(
            stream,
            'client',
            id,
            { method: stringOrNull(headers?.[':method'] ?? 'GET'), path: stringOrNull(headers?.[':path'] ?? '/') },
            () => (openStreams -= 1),
          );
        } catch {
          // observing must never break the program
        }
        return stream;
      };
    }
  }
  trackListeners(session, { target: 'session', side, session: id, stream: null, server, closed: () => closed });
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : value === undefined || value === null ? null : String(value);
}

function observeServer(server: Emitter, secure: boolean): void {
  const id = ++nextServerId;
  let closed = false;
  send({ type: 'server-created', server: id, secure, location: callerLocation().location });
  before(server, 'emit', (self, [event, arg]) => {
    switch (event) {
      case 'listening': {
        const address = typeof self.address === 'function' ? (self.address() as { port?: number; address?: string } | string | null) : null;
        const port = address && typeof address === 'object' ? (address.port ?? null) : null;
        const host = address && typeof address === 'object' ? (address.address ?? null) : typeof address === 'string' ? address : null;
        send({ type: 'server-listening', server: id, secure, port, address: host });
        break;
      }
      case 'session':
        // Before the program's 'session' listeners run, so their own listeners are seen too.
        observeSession(arg as Emitter, 'server', id, null);
        break;
      case 'error':
        send({ type: 'server-error', server: id, ...errorFields(arg) });
        break;
      case 'close':
        if (!isRealClose(server, 'server')) break;
        closed = true;
        send({ type: 'server-closed', server: id });
        break;
    }
  });
  before(server, 'close', (_self, args) => {
    send({ type: 'server-close-called', server: id, by: callerLocation().caller, hasCallback: typeof args[0] === 'function' });
  });
  trackListeners(server, { target: 'server', side: null, session: null, stream: null, server: id, closed: () => closed });
}

// ---------------------------------------------------------------------------------------
// Install.

const http2 = require('node:http2') as Emitter;

function wrapFactory(module: Emitter, name: string, after: (result: Emitter, args: any[]) => void): void {
  const original = module[name] as AnyFunction;
  module[name] = {
    // Same name as the original, so stack traces and .name read naturally.
    [name](this: unknown, ...args: any[]) {
      const result = Reflect.apply(original, this, args) as Emitter;
      try {
        after(result, args);
      } catch {
        // observing must never break the program
      }
      return result;
    },
  }[name];
}

wrapFactory(http2, 'createServer', (server) => observeServer(server, false));
wrapFactory(http2, 'createSecureServer', (server) => observeServer(server, true));
wrapFactory(http2, 'connect', (session, [authority]) => {
  const text =
    authority instanceof URL
      ? authority.href
      : typeof authority === 'string'
        ? authority
        : authority && typeof authority === 'object'
          ? String((authority as { href?: unknown }).href ?? '') || null
          : null;
  observeSession(session, 'client', null, text);
});
// A plain HTTP/1 server instead of http2 is a common slip; note it so the verdict can say so.
for (const name of ['http', 'https'] as const) {
  const module = require(`node:${name}`) as Emitter;
  wrapFactory(module, 'createServer', () => send({ type: 'http1-server-created', module: name, location: callerLocation().location }));
}
syncBuiltinESMExports();

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
    // An ES module's top-level throw reaches Node as a rejected module promise; it is a throw.
    origin: origin === 'unhandledRejection' && stack.includes('node:internal/modules/esm/module_job') ? 'uncaughtException' : origin,
    location: stackLocation(stack),
    compileLocation: head ? `${head[1]}:${head[2]}` : null,
  });
});
process.on('exit', (code) => send({ type: 'exit', code }));

send({ type: 'probe-ready', pid: process.pid, node: process.version });

// When the verifier is still transpiling the program it starts node first (so Node's own
// start-up overlaps the transpile) and tells us when the entry file exists: one byte, 'g'.
// Anything else, or end of file, means the verifier gave up; it kills us anyway.
if (goFd >= 0) {
  const byte = Buffer.alloc(1);
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    let read: number;
    try {
      read = readSync(goFd, byte, 0, 1, null);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EAGAIN') {
        Atomics.wait(pause, 0, 0, 2);
        continue;
      }
      read = 0;
    }
    if (read === 1 && byte[0] === 0x67) break;
    process.exit(70);
  }
}
