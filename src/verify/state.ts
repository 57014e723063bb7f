/**
 * Folds the probe's events into what existed and what happened to it: servers, sessions,
 * streams and the program's listeners. The verdict and the tutorial-line explanations are
 * both read from this, never from the order of events, which differs between Node versions.
 */
import type { ListenerTarget, ProbeEvent, Side } from './channel/index.js';

type EventOf<T extends ProbeEvent['type']> = Extract<ProbeEvent, { type: T }>;

export interface ServerState {
  id: number;
  secure: boolean;
  port: number | null;
  listening: boolean;
  closeCalls: EventOf<'server-close-called'>[];
  closed: boolean;
  errors: EventOf<'server-error'>[];
}

export interface SessionState {
  id: number;
  side: Side;
  server: number | null;
  alpn: string | null;
  closeCalls: EventOf<'session-close-called'>[];
  closed: boolean;
  closedAt: number | null;
  errors: EventOf<'session-error'>[];
}

export interface StreamState {
  id: number;
  session: number;
  side: Side;
  closed: boolean;
  status: number | null;
  data: EventOf<'data'>[];
}

export interface ListenerState {
  id: number;
  event: string;
  target: ListenerTarget;
  side: Side | null;
  session: number | null;
  location: string | null;
  afterClose: boolean;
  ran: boolean;
}

export interface TimelineState {
  servers: ServerState[];
  sessions: SessionState[];
  streams: StreamState[];
  listeners: ListenerState[];
  http1Servers: EventOf<'http1-server-created'>[];
  /** exceptions nobody caught: the program died of them */
  uncaught: EventOf<'uncaught'>[];
  /** exceptions the program's own process.on('uncaughtException') caught */
  handled: EventOf<'uncaught'>[];
  /** exceptions nobody caught in a process the program forked: that process died of them */
  uncaughtInChildren: EventOf<'uncaught'>[];
  /** emit('close') calls the program made on a session itself */
  programCloseEmits: EventOf<'session-close-emitted-by-program'>[];
  transpiled: EventOf<'transpiled'>[];
  compileErrors: EventOf<'compile-error'>[];
  exitCode: number | null;
  probeLoaded: boolean;
}

/**
 * `programPid`: the program's own process; events from other pids come from processes it
 * forked (their exit and their crashes are theirs, not the program's). Null: all are its.
 */
export function summarize(events: readonly ProbeEvent[], programPid: number | null = null): TimelineState {
  const isProgram = (event: ProbeEvent) => programPid === null || event.where === undefined || event.where.pid === programPid;
  const servers = new Map<number, ServerState>();
  const sessions = new Map<number, SessionState>();
  const streams = new Map<number, StreamState>();
  const listeners = new Map<number, ListenerState>();
  const state: TimelineState = {
    servers: [],
    sessions: [],
    streams: [],
    listeners: [],
    http1Servers: [],
    uncaught: [],
    handled: [],
    uncaughtInChildren: [],
    programCloseEmits: [],
    transpiled: [],
    compileErrors: [],
    exitCode: null,
    probeLoaded: false,
  };

  for (const event of events) {
    switch (event.type) {
      case 'probe-ready':
        state.probeLoaded = true;
        break;
      case 'http1-server-created':
        state.http1Servers.push(event);
        break;
      case 'server-created':
        servers.set(event.server, { id: event.server, secure: event.secure, port: null, listening: false, closeCalls: [], closed: false, errors: [] });
        break;
      case 'server-listening': {
        const server = servers.get(event.server);
        if (server) Object.assign(server, { listening: true, port: event.port });
        break;
      }
      case 'server-error':
        servers.get(event.server)?.errors.push(event);
        break;
      case 'server-close-called':
        servers.get(event.server)?.closeCalls.push(event);
        break;
      case 'server-closed': {
        const server = servers.get(event.server);
        if (server) server.closed = true;
        break;
      }
      case 'session-opened':
        sessions.set(event.session, {
          id: event.session,
          side: event.side,
          server: event.server,
          alpn: event.alpn,
          closeCalls: [],
          closed: false,
          closedAt: null,
          errors: [],
        });
        break;
      case 'session-connected': {
        const session = sessions.get(event.session);
        if (session && event.alpn) session.alpn = event.alpn;
        break;
      }
      case 'session-close-called':
        sessions.get(event.session)?.closeCalls.push(event);
        break;
      case 'session-error':
        sessions.get(event.session)?.errors.push(event);
        break;
      case 'session-closed': {
        const session = sessions.get(event.session);
        if (session) Object.assign(session, { closed: true, closedAt: event.t });
        break;
      }
      case 'stream-opened':
        streams.set(event.stream, { id: event.stream, session: event.session, side: event.side, closed: false, status: null, data: [] });
        break;
      case 'response': {
        const stream = streams.get(event.stream);
        if (stream) stream.status = event.status;
        break;
      }
      case 'data':
        streams.get(event.stream)?.data.push(event);
        break;
      case 'stream-closed': {
        const stream = streams.get(event.stream);
        if (stream) stream.closed = true;
        break;
      }
      case 'listener-added':
        listeners.set(event.listener, {
          id: event.listener,
          event: event.event,
          target: event.target,
          side: event.side,
          session: event.session,
          location: event.location,
          afterClose: event.afterClose,
          ran: false,
        });
        break;
      case 'listener-ran': {
        const listener = listeners.get(event.listener);
        if (listener) listener.ran = true;
        break;
      }
      case 'uncaught':
        (event.handled ? state.handled : isProgram(event) ? state.uncaught : state.uncaughtInChildren).push(event);
        break;
      case 'session-close-emitted-by-program':
        state.programCloseEmits.push(event);
        break;
      case 'transpiled':
        state.transpiled.push(event);
        break;
      case 'compile-error':
        state.compileErrors.push(event);
        break;
      case 'exit':
        if (isProgram(event)) state.exitCode = event.code;
        break;
    }
  }
  state.servers = [...servers.values()];
  state.sessions = [...sessions.values()];
  state.streams = [...streams.values()];
  state.listeners = [...listeners.values()];
  return state;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** What was still open at the end, in words: "1 server session (1 open stream), ...". */
export function stillOpen(state: TimelineState): string[] {
  const open: string[] = [];
  for (const side of ['server', 'client'] as const) {
    const sessions = state.sessions.filter((session) => session.side === side && !session.closed);
    if (sessions.length === 0) continue;
    const streams = state.streams.filter(
      (stream) => stream.side === side && !stream.closed && sessions.some((session) => session.id === stream.session),
    ).length;
    open.push(`${plural(sessions.length, `${side} session`)}${streams > 0 ? ` with ${plural(streams, 'open stream')}` : ''}`);
  }
  for (const server of state.servers.filter((candidate) => candidate.listening && !candidate.closed)) {
    open.push(`the server on port ${server.port ?? '?'}${server.closeCalls.length === 0 ? ' (server.close() never called)' : ''}`);
  }
  return open;
}
