/**
 * The http2 objects: every server, session and stream the program makes, in any thread, and
 * what happens to them. Only observes: listeners are never added (an 'error' listener would
 * swallow the program's crash, a 'data' listener would switch a stream to flowing mode);
 * instead the instance's emit(), push(), close() and friends are wrapped, which changes
 * nothing the program can see except an extra frame on stacks.
 *
 * Why it works for every import style: `require('node:http2')` returns the same object that
 * `require('http2')` gives CommonJS programs, and after patching it
 * module.syncBuiltinESMExports() (main.ts) copies the patched functions into the ES module
 * facade, so `import * as http2`, `import http2 from` and `import { createServer }` all see
 * the wrappers.
 */
import { createRequire } from 'node:module';
import type { Side } from '../channel/index.js';
import { callerLocation, emittedByHttp2Core } from './call-sites.js';
import { type AnyFunction, adoptingCallback, before, type Emitter, isRealClose, nextId, trackListeners } from './listeners.js';
import { send } from './plumbing.js';

const require = createRequire(import.meta.url);

function observeStream(stream: Emitter, side: Side, session: number, info: { method: string | null; path: string | null }, onClose: () => void): void {
  const id = nextId('stream');
  let closed = false;
  send({ type: 'stream-opened', session, stream: id, side, ...info });
  before(stream, 'emit', (self, [event, headers]: unknown[]) => {
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
export function portOf(error: unknown): number | null {
  const port = (error as { port?: unknown } | null)?.port;
  return typeof port === 'number' ? port : null;
}

function errorFields(error: unknown): { code: string | null; message: string } {
  const record = (error ?? {}) as { code?: unknown; message?: unknown };
  return { code: typeof record.code === 'string' ? record.code : null, message: typeof record.message === 'string' ? record.message : String(error) };
}

export function observeSession(session: Emitter, side: Side, server: number | null, authority: string | null): void {
  const id = nextId('session');
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
    const original = session[method] as AnyFunction | undefined;
    if (typeof original !== 'function') continue;
    session[method] = function (this: Emitter, ...args: unknown[]) {
      let callback: unknown = null;
      let location: string | null = null;
      try {
        const call = callerLocation();
        location = call.location;
        const alreadyClosing = Boolean(this.closed) || Boolean(this.destroyed);
        callback = args.find((arg) => typeof arg === 'function') ?? null;
        // Node calls close()/destroy() on a closing session several times on its way down;
        // only the program's calls and the call that starts the closing tell anything.
        if (call.caller === 'program' || !alreadyClosing) {
          send({
            type: 'session-close-called',
            session: id,
            side,
            method,
            by: call.caller,
            hasCallback: callback !== null,
            alreadyClosing,
            alreadyClosed: closed,
            openStreams,
          });
        }
        if (call.caller !== 'program') callback = null;
      } catch {
        // observing must never break the program
      }
      // close(cb) registers cb with once('close'): the program's own 'close' handler.
      return callback === null ? Reflect.apply(original, this, args) : adoptingCallback(callback, location, () => Reflect.apply(original, this, args));
    };
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

export function observeServer(server: Emitter, secure: boolean): void {
  const id = nextId('server');
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

function wrapFactory(module: Emitter, name: string, after: (result: Emitter, args: unknown[]) => void): void {
  const original = module[name] as AnyFunction;
  module[name] = {
    // Same name as the original, so stack traces and .name read naturally.
    [name](this: unknown, ...args: unknown[]) {
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

/** Wraps the http2 factories (and notes HTTP/1 servers, a common slip). */
export function watchHttp2(): void {
  const http2 = require('node:http2') as Emitter;
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
}
