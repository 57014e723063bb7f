/**
 * What the probe (running inside the verified program, in every thread and forked process of
 * it) reports to the verifier, one framed record per event (record.ts). Types only, shared
 * by both sides, so the wire format is checked by the compiler on both ends.
 *
 * `t` is an absolute time in milliseconds (performance.timeOrigin + performance.now()):
 * every process reads the same clock, so the parent can show times relative to its spawn.
 * `where` says where the event happened: the process and its thread (0: the main thread); the
 * verifier numbers servers, sessions, streams and listeners anew across the whole family.
 */
export type Side = 'server' | 'client';

/** Who called a method or added a listener: the program (any file that is not part of
 *  Node itself) or Node's own internals (frames from `node:`). */
export type Caller = 'program' | 'node';

export type ListenerTarget = 'session' | 'stream' | 'server';

export type ProbeEventBody =
  | { type: 'probe-ready'; t: number; pid: number; node: string }
  | { type: 'http1-server-created'; t: number; module: 'http' | 'https'; location: string | null }
  | { type: 'server-created'; t: number; server: number; secure: boolean; location: string | null }
  | { type: 'server-listening'; t: number; server: number; secure: boolean; port: number | null; address: string | null }
  /** `port`: the port a failed listen asked for (Node puts it on the error), else null */
  | { type: 'server-error'; t: number; server: number; code: string | null; message: string; port: number | null }
  | { type: 'server-close-called'; t: number; server: number; by: Caller; hasCallback: boolean }
  | { type: 'server-closed'; t: number; server: number }
  | { type: 'session-opened'; t: number; session: number; side: Side; server: number | null; authority: string | null; alpn: string | null }
  | { type: 'session-connected'; t: number; session: number; side: Side; alpn: string | null }
  /** Mutual TLS: the server session's peer (the client) presented a certificate. */
  | { type: 'peer-certificate'; t: number; session: number; side: Side; subject: string; issuer: string | null; authorized: boolean }
  | { type: 'session-goaway'; t: number; session: number; side: Side; code: number }
  | { type: 'session-error'; t: number; session: number; side: Side; code: string | null; message: string }
  | {
      type: 'session-close-called';
      t: number;
      session: number;
      side: Side;
      method: 'close' | 'destroy';
      by: Caller;
      hasCallback: boolean;
      /** closed or destroyed already when called: close() then returns at once and never
       *  registers the callback */
      alreadyClosing: boolean;
      alreadyClosed: boolean;
      openStreams: number;
    }
  | { type: 'session-closed'; t: number; session: number; side: Side }
  /** the program called emit('close') on the session itself: not Node's event, never counted */
  | { type: 'session-close-emitted-by-program'; t: number; session: number; side: Side; location: string | null }
  | { type: 'stream-opened'; t: number; session: number; stream: number; side: Side; method: string | null; path: string | null }
  | { type: 'response'; t: number; session: number; stream: number; side: Side; status: number | null }
  | { type: 'data'; t: number; session: number; stream: number; side: Side; bytes: number; text: string }
  | { type: 'stream-closed'; t: number; session: number; stream: number; side: Side }
  | {
      type: 'listener-added';
      t: number;
      listener: number;
      event: string;
      target: ListenerTarget;
      side: Side | null;
      session: number | null;
      stream: number | null;
      server: number | null;
      /** the object had already emitted 'close' when the listener was added */
      afterClose: boolean;
      location: string | null;
    }
  | { type: 'listener-ran'; t: number; listener: number; event: string; target: ListenerTarget; side: Side | null; session: number | null }
  | {
      type: 'uncaught';
      t: number;
      name: string;
      message: string;
      code: string | null;
      path: string | null;
      syscall: string | null;
      /** the port of a failed listen (EADDRINUSE), else null */
      port: number | null;
      origin: string;
      /** first frame of the program (source-mapped), or null when only Node's frames were on the stack */
      location: string | null;
      /** "file:line" head Node puts on a SyntaxError raised while compiling a module */
      compileLocation: string | null;
      /** the program has its own 'uncaughtException' handler: it caught this and went on */
      handled: boolean;
    }
  /** a process the program started (from any thread), so that none outlives the run */
  | { type: 'child-started'; t: number; pid: number; detached: boolean; command: string }
  /** esbuild transpiled a TypeScript file as it loaded (or its output came from the cache) */
  | { type: 'transpiled'; t: number; file: string; format: 'esm' | 'cjs'; ms: number | null; cached: boolean; esbuild: string | null }
  /** a TypeScript file the program loads did not compile */
  | { type: 'compile-error'; t: number; file: string; line: number | null; column: number | null; message: string }
  | { type: 'exit'; t: number; code: number };

/** Where an event happened: the process and its thread (0: the main thread). */
export interface Origin {
  pid: number;
  thread: number;
}

export type ProbeEvent = ProbeEventBody & { where: Origin };

export type ProbeEventType = ProbeEvent['type'];
