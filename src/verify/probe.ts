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
import { writeSync } from 'node:fs';
import { createRequire, findSourceMap, syncBuiltinESMExports } from 'node:module';
import { fileURLToPath } from 'node:url';
import { getEnvironmentData, isMainThread, setEnvironmentData, threadId } from 'node:worker_threads';
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

/** What the verifier tells the probe; the same in every thread of the program. */
interface Plumbing {
  fd: number;
  /** Every line carries this run's token, which only the verifier and the probe know, so a
   *  program writing lines of its own to fd 3 cannot make up events. */
  token: string;
  /** the entry is TypeScript on a Node that cannot strip types: transpile it as it loads */
  transpile: boolean;
  cacheDir: string | null;
}

// Worker threads get a copy of process.env taken after the lines below removed the
// verifier's variables, so the main thread hands the plumbing on as environment data, which
// every Worker the program starts inherits (and the probe, loaded there too through the
// inherited --import, reads back). The key is not one a program would ever ask for.
const PLUMBING_KEY = 'h2-setup verify probe';
function readPlumbing(): Plumbing {
  if (!isMainThread) {
    const inherited = getEnvironmentData(PLUMBING_KEY);
    return typeof inherited === 'string' ? (JSON.parse(inherited) as Plumbing) : { fd: -1, token: '', transpile: false, cacheDir: null };
  }
  const plumbing: Plumbing = {
    fd: Number(process.env.H2_SETUP_VERIFY_FD ?? -1),
    token: process.env.H2_SETUP_VERIFY_TOKEN ?? '',
    transpile: process.env.H2_SETUP_VERIFY_TRANSPILE === '1',
    cacheDir: process.env.H2_SETUP_VERIFY_CACHE_DIR || null,
  };
  // The program (and anything it starts) should not see the verifier's plumbing.
  delete process.env.H2_SETUP_VERIFY_FD;
  delete process.env.H2_SETUP_VERIFY_TOKEN;
  delete process.env.H2_SETUP_VERIFY_TRANSPILE;
  delete process.env.H2_SETUP_VERIFY_CACHE_DIR;
  setEnvironmentData(PLUMBING_KEY, JSON.stringify(plumbing));
  return plumbing;
}
const plumbing = readPlumbing();
let outFd = plumbing.fd;
const token = plumbing.token;

// Servers, sessions, streams and listeners are numbered per thread; a worker's numbers start
// at threadId * 1e6 so those of different threads never collide in the one timeline.
const idBase = threadId * 1_000_000;

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

/** The structured call sites above `below` (whatever the program set Error's options to). */
function callSites(below: AnyFunction, limit: number): CallSite[] {
  const savedPrepare = Error.prepareStackTrace;
  const savedLimit = Error.stackTraceLimit;
  try {
    Error.stackTraceLimit = limit;
    Error.prepareStackTrace = (_error, sites) => sites;
    const holder: { stack?: unknown } = {};
    Error.captureStackTrace(holder, below);
    return (holder.stack as CallSite[] | undefined) ?? [];
  } finally {
    Error.prepareStackTrace = savedPrepare;
    Error.stackTraceLimit = savedLimit;
  }
}

/**
 * The program's location that made the current call, or null when the call came from Node's
 * internals (e.g. `server.close(cb)` registering cb, http2 core closing a session on GOAWAY).
 * Reads structured call sites rather than formatting a stack string: cheap, and immune to
 * source-map rewriting. `node:events` frames are skipped because `events.once(session,
 * 'close')` is the program listening through a public helper.
 */
function callerLocation(): { caller: Caller; location: string | null } {
  for (const site of callSites(callerLocation, 30)) {
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
  /** true while Node itself is emitting this object's 'close' */
  closing: (self: Emitter) => boolean;
}

/**
 * Whether a 'close' being emitted now is Node's: Node emits it on a session or stream only
 * once it is destroyed, and on a server once it has stopped listening. A program calling
 * `stream.emit('close')` itself proves nothing about the event, so it is not counted.
 * (Sessions, whose 'close' decides the verdict, are held to a stricter test below.)
 */
function isRealClose(obj: Emitter, target: ListenerTarget): boolean {
  return target === 'server' ? obj.listening === false : Boolean(obj.destroyed);
}

/**
 * Whether the emit('close') now being made on a session comes from Node's http2 core (its
 * internal emitClose, after the session's handle and socket are gone), rather than from
 * the program. The immediate caller of emit() tells: a program's own `session.emit('close')`,
 * however soon after destroy() and whatever it does next, has the program's frame there
 * (or a timer's or nextTick's, for a bound emit), never http2 core's.
 */
function emittedByHttp2Core(): boolean {
  for (const site of callSites(emittedByHttp2Core, 10)) {
    const file = site.getFileName();
    if (file && isProbeFile(file)) continue;
    return file === 'node:internal/http2/core';
  }
  return false;
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
      const id = idBase + ++nextListenerId;
      const { closed, closing, ...where } = context;
      send({ type: 'listener-added', listener: id, event, ...where, afterClose: closed(), location });
      if (event !== 'close') return Reflect.apply(original, this, [event, listener, ...rest]);
      const wrapped = function (this: Emitter, ...args: unknown[]) {
        if (once) this.removeListener(event, wrapped);
        if (closing(this)) send({ type: 'listener-ran', listener: id, event, target: where.target, side: where.side, session: where.session });
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
  const id = idBase + ++nextStreamId;
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
  trackListeners(stream, {
    target: 'stream',
    side,
    session,
    stream: id,
    server: null,
    closed: () => closed,
    closing: (self) => isRealClose(self, 'stream'),
  });
}

/** The port a failed listen() asked for: Node sets it on the error (EADDRINUSE, EACCES). */
function portOf(error: unknown): number | null {
  const port = (error as { port?: unknown } | null)?.port;
  return typeof port === 'number' ? port : null;
}

function errorFields(error: unknown): { code: string | null; message: string } {
  const record = (error ?? {}) as { code?: unknown; message?: unknown };
  return { code: typeof record.code === 'string' ? record.code : null, message: typeof record.message === 'string' ? record.message : String(error) };
}

function observeSession(session: Emitter, side: Side, server: number | null, authority: string | null): void {
  const id = idBase + ++nextSessionId;
  let closed = false;
  let openStreams = 0;
  send({ type: 'session-opened', session: id, side, server, authority, alpn: typeof session.alpnProtocol === 'string' ? session.alpnProtocol : null });
  if (side === 'server') reportPeerCertificate(session, id);
  // Only while Node's own emit('close') is running do the program's 'close' listeners count
  // as having run for a closed session (see emittedByHttp2Core).
  let nodeIsClosing = false;
  const emit = session.emit as AnyFunction;
  session.emit = function (this: Emitter, event: unknown, ...args: unknown[]) {
    if (event !== 'close' || closed) return Reflect.apply(emit, this, [event, ...args]);
    let byNode = false;
    try {
      byNode = emittedByHttp2Core();
      if (byNode) {
        closed = true;
        send({ type: 'session-closed', session: id, side });
      } else {
        send({ type: 'session-close-emitted-by-program', session: id, side, location: callerLocation().location });
      }
    } catch {
      // observing must never break the program
    }
    nodeIsClosing = byNode;
    try {
      return Reflect.apply(emit, this, [event, ...args]);
    } finally {
      nodeIsClosing = false;
    }
  };
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
  trackListeners(session, { target: 'session', side, session: id, stream: null, server, closed: () => closed, closing: () => nodeIsClosing });
}

/** A server session exists once the TLS handshake is done, so with mutual TLS the client's
 *  certificate can be read here: who it was (subject) and whether the server's CA vouched for it. */
function reportPeerCertificate(session: Emitter, id: number): void {
  try {
    const socket = session.socket as { getPeerCertificate?: () => Record<string, any> | null; authorized?: boolean } | undefined;
    const peer = typeof socket?.getPeerCertificate === 'function' ? socket.getPeerCertificate() : null;
    if (!peer?.subject) return;
    const name = (dn: Record<string, unknown> | undefined): string =>
      dn
        ? Object.entries(dn)
            .map(([key, value]) => `${key}=${Array.isArray(value) ? value.join('+') : String(value)}`)
            .join(', ')
        : '';
    send({
      type: 'peer-certificate',
      session: id,
      side: 'server',
      subject: name(peer.subject),
      issuer: name(peer.issuer) || null,
      authorized: socket?.authorized === true,
    });
  } catch {
    // observing must never break the program
  }
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : value === undefined || value === null ? null : String(value);
}

function observeServer(server: Emitter, secure: boolean): void {
  const id = idBase + ++nextServerId;
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
        send({ type: 'server-error', server: id, ...errorFields(arg), port: portOf(arg) });
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
  trackListeners(server, {
    target: 'server',
    side: null,
    session: null,
    stream: null,
    server: id,
    closed: () => closed,
    closing: (self) => isRealClose(self, 'server'),
  });
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
// A server session made from a socket the program accepted itself (Node 20.12+): no
// Http2Server and no 'session' event, but a ServerHttp2Session all the same.
if (typeof http2.performServerHandshake === 'function')
  wrapFactory(http2, 'performServerHandshake', (session) => observeSession(session, 'server', null, null));
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

// Every process the program starts (spawn, fork, exec, execFile all go through
// ChildProcess.prototype.spawn), so that the verifier can stop it afterwards even when it
// detached it into a session of its own and exited (an orphan's parent is no longer ours).
const { ChildProcess } = require('node:child_process') as { ChildProcess: { prototype: Emitter } };
const spawnChild = ChildProcess.prototype.spawn as AnyFunction;
ChildProcess.prototype.spawn = function (this: Emitter, options: { file?: unknown; args?: unknown; detached?: unknown } | undefined, ...rest: unknown[]) {
  const result = Reflect.apply(spawnChild, this, [options, ...rest]);
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
syncBuiltinESMExports();

// The rest belongs to the program's main thread: a worker's exit is not the program's, and
// an exception that ends a worker reaches the main thread as the Worker's 'error' event
// (uncaught there only if the program does not listen for it).
if (isMainThread) installMainThreadProbe();

function installMainThreadProbe(): void {
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

// TypeScript on a Node that cannot strip types (Node 20): transpiled as each file loads, in
// memory, by module hooks, so the program runs as its own file: process.argv[1],
// import.meta.url, __filename, require.main and every stack trace name the user's file.
// Registered in each thread, since a Worker has a module loader of its own.
if (plumbing.transpile) {
  // Looked up when needed: Node lines that strip types never get here, and may retire it.
  const { register } = require('node:module') as { register: (url: URL, options: { data: unknown }) => void };
  register(new URL('./typescript-hooks.js', import.meta.url), { data: { fd: outFd, token, cacheDir: plumbing.cacheDir } });
}
