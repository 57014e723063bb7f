/**
 * The lines the tutorial says its program prints (example 1, plus `client destroyed`, which
 * its code asks for but which never appears), whether each appeared in the program's stdout,
 * and, where not, why, read from what the probe saw.
 */
import type { TimelineState } from './state.js';

export interface TutorialLine {
  text: string;
  appeared: boolean;
  /** why it did not appear; null when it did */
  why: string | null;
}

export const TUTORIAL_LINES = [
  'server destroyed',
  'session is closed',
  'status : 200',
  'Received: hello',
  'Received: session protocol : h2c',
  'client destroyed',
] as const;

type Explainer = (state: TimelineState) => string;

function programListens(state: TimelineState, event: string, side: 'client' | 'server', target: 'stream' | 'session'): boolean {
  return state.listeners.some((listener) => listener.event === event && listener.side === side && listener.target === target);
}

function clientChunks(state: TimelineState): string[] {
  return state.streams.filter((stream) => stream.side === 'client').flatMap((stream) => stream.data.map((chunk) => chunk.text));
}

const explain: Record<(typeof TUTORIAL_LINES)[number], Explainer> = {
  'server destroyed': (state) => {
    const calls = state.servers.flatMap((server) => server.closeCalls).filter((call) => call.by === 'program');
    if (calls.length === 0) return 'server.close() was never called';
    if (!calls.some((call) => call.hasCallback)) return 'server.close() was called without a callback';
    if (!state.servers.some((server) => server.closed))
      return "the server never emitted 'close' (it waits for every connection to end), so server.close(cb)'s callback never ran";
    return "the server closed, so server.close(cb)'s callback ran, but it printed something else";
  },
  'session is closed': (state) => {
    const closed = state.sessions.filter((session) => session.side === 'server' && session.closed);
    if (closed.length === 0) return "no server session emitted 'close'";
    const onSession = state.listeners.filter((listener) => listener.event === 'close' && listener.target === 'session' && listener.side === 'server');
    if (onSession.length === 0) {
      const elsewhere = state.listeners.find((listener) => listener.event === 'close');
      return elsewhere
        ? `the program's 'close' listener is on the ${elsewhere.side === 'client' && elsewhere.target === 'session' ? 'client session' : elsewhere.target}, not on the server session`
        : "the program has no 'close' listener on the server session";
    }
    if (onSession.some((listener) => listener.afterClose && !listener.ran)) return "the program's 'close' listener was added after the session had closed";
    if (!onSession.some((listener) => listener.ran)) return "the program's 'close' listener never ran";
    return "the session's 'close' listener ran, but printed something else";
  },
  'status : 200': (state) => {
    const responses = state.streams.filter((stream) => stream.side === 'client' && stream.status !== null);
    if (responses.length === 0) return 'the client never received a response';
    const other = responses.find((stream) => stream.status !== 200);
    if (other && !responses.some((stream) => stream.status === 200)) return `the client received status ${other.status}, not 200`;
    if (!programListens(state, 'response', 'client', 'stream'))
      return "the program has no 'response' listener on the request (like the tutorial's example 2), so nothing prints the status";
    return "the client received status 200, and the program's 'response' listener printed something else";
  },
  'Received: hello': (state) => {
    const chunks = clientChunks(state);
    if (chunks.length === 0) return 'the client received no data';
    if (!chunks.some((chunk) => chunk.includes('hello'))) return "the server never wrote 'hello ' (like the tutorial's example 2)";
    const joined = chunks.find((chunk) => chunk.includes('hello') && chunk.trim() !== 'hello');
    if (joined) return `'hello ' arrived together with the next write, as one chunk: ${JSON.stringify(joined)}`;
    if (!programListens(state, 'data', 'client', 'stream')) return "the program has no 'data' listener on the request";
    return "the chunk 'hello ' arrived, but the program printed it differently";
  },
  'Received: session protocol : h2c': (state) => {
    const alpn = state.sessions.find((session) => session.side === 'server')?.alpn ?? null;
    if (alpn && alpn !== 'h2c')
      return `the session's protocol is ${alpn} (${alpn === 'h2' ? 'HTTP/2 over TLS' : 'not plaintext'}), so the program prints "session protocol : ${alpn}" instead`;
    const chunks = clientChunks(state);
    if (chunks.length === 0) return 'the client received no data';
    if (!chunks.some((chunk) => chunk.includes('session protocol'))) return "the server never wrote 'session protocol : ...'";
    if (!programListens(state, 'data', 'client', 'stream')) return "the program has no 'data' listener on the request";
    return 'the data arrived, but the program printed it differently';
  },
  'client destroyed': (state) => {
    const clientSessions = state.sessions.filter((session) => session.side === 'client');
    if (clientSessions.length === 0) return 'the program made no client session';
    const calls = clientSessions.flatMap((session) =>
      session.closeCalls.filter((call) => call.method === 'close' && call.by === 'program' && call.hasCallback).map((call) => ({ call, session })),
    );
    if (calls.length === 0) return 'client.close(cb) was never called with a callback';
    const { call } = calls[0] as (typeof calls)[number];
    if (call.alreadyClosed) {
      return "the client session had already closed (the server's session.close() sent GOAWAY) when client.close(cb) was called, so close() returned at once and cb never runs";
    }
    if (call.alreadyClosing) {
      return "the client session was already closing (the server's GOAWAY closed it) when client.close(cb) was called, so close() returned at once and cb never runs";
    }
    if (!clientSessions.some((session) => session.closed)) return "client.close(cb) was called but the client session never emitted 'close'";
    return 'client.close(cb) was called and the client session closed, but cb printed something else';
  },
};

export function checkTutorialLines(stdout: string, state: TimelineState): TutorialLine[] {
  // The tutorial prints with console.log('Received: %s ', ...): compare without the
  // trailing space (and without \r on Windows).
  const printed = new Set(stdout.split('\n').map((line) => line.trim()));
  return TUTORIAL_LINES.map((text) => {
    const appeared = printed.has(text);
    return { text, appeared, why: appeared ? null : explain[text](state) };
  });
}
