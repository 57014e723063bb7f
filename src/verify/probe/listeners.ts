/**
 * Watching objects without changing them: instance methods wrapped to see calls first, and
 * the program's listeners for the events we follow, noted when added and, for 'close',
 * reported when they run.
 */
import { threadId } from 'node:worker_threads';
import type { ListenerTarget, Side } from '../channel/index.js';
import { callerLocation } from './call-sites.js';
import { send } from './plumbing.js';

// The probe patches Node's objects at run time; their shapes are not what the type system
// can follow, so these two types are deliberately loose.
export type AnyFunction = (...args: any[]) => any;
export type Emitter = Record<string | symbol, any>;

// The events we follow listeners for: 'close' everywhere (the point of the tutorial), and the
// client request's 'response' and 'data' to explain lines the program did not print.
const TRACKED_EVENTS = new Set(['close', 'response', 'data']);

// Servers, sessions, streams and listeners are numbered per thread; a worker's numbers start
// at threadId * 1e6 so those of different threads never collide (the verifier numbers them
// anew across threads and processes).
const idBase = threadId * 1_000_000;
const counters = new Map<string, number>();
export function nextId(kind: 'server' | 'session' | 'stream' | 'listener'): number {
  const next = (counters.get(kind) ?? 0) + 1;
  counters.set(kind, next);
  return idBase + next;
}

/** Replaces obj[name] on the instance with a wrapper that sees the call first. */
export function before(obj: Emitter, name: string, hook: (self: Emitter, args: unknown[]) => void): void {
  const original = obj[name] as AnyFunction | undefined;
  if (typeof original !== 'function') return;
  obj[name] = function (this: Emitter, ...args: unknown[]) {
    try {
      hook(this, args);
    } catch {
      // observing must never break the program
    }
    return Reflect.apply(original, this, args);
  };
}

/**
 * A callback the program hands to a method that Node then registers as a 'close' listener
 * itself: `session.close(cb)` does `this.once('close', cb)`. Node adds it, but it is the
 * program's own handler, so while that method runs, a listener that is this very callback
 * counts as added by the program, at the place the program called the method.
 */
let adopting: { listener: unknown; location: string | null } | null = null;
export function adoptingCallback<T>(listener: unknown, location: string | null, call: () => T): T {
  const saved = adopting;
  adopting = { listener, location };
  try {
    return call();
  } finally {
    adopting = saved;
  }
}

export interface ListenerContext {
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
 * (Sessions, whose 'close' decides the verdict, are held to a stricter test in http2.ts.)
 */
export function isRealClose(obj: Emitter, target: ListenerTarget): boolean {
  return target === 'server' ? obj.listening === false : Boolean(obj.destroyed);
}

/**
 * Notes every listener the program (not Node) adds for a tracked event, and for 'close'
 * wraps it to report when it runs. The wrapper carries `.listener = original`, the same
 * convention EventEmitter uses for once(), so removeListener(original) and listeners() behave
 * exactly as without the probe; once() is re-implemented on top of on() for the same reason.
 */
export function trackListeners(obj: Emitter, context: ListenerContext): void {
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
      let { caller, location } = callerLocation();
      if (caller !== 'program' && adopting !== null && adopting.listener === listener) {
        caller = 'program';
        location = adopting.location;
      }
      if (caller !== 'program') return Reflect.apply(original, this, [event, listener, ...rest]);
      const id = nextId('listener');
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
