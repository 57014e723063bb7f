/**
 * The verdict. Pass only when a server-side Http2Session emitted 'close', a 'close'
 * listener the program itself put on that session ran, and the program exited 0 within the
 * timeout. Otherwise the first reason that applies, in words the user can act on. Judged by
 * what happened, never by the order it happened in.
 */
import { basename } from 'node:path';
import { stillRunningWords } from '../system/index.js';
import type { ProbeEvent } from './channel/index.js';
import type { RunOutcome } from './run.js';
import { type ListenerState, stillOpen, type TimelineState } from './state.js';

export type FailureKind =
  | 'did-not-compile'
  | 'could-not-start'
  | 'missing-certificate'
  | 'port-taken'
  | 'threw'
  | 'no-http2-server'
  | 'hung'
  | 'exited-before-session'
  | 'close-never-fired'
  | 'listener-on-wrong-object'
  | 'no-close-listener'
  | 'listener-never-ran'
  | 'nonzero-exit';

export interface Verdict {
  passed: boolean;
  failure: FailureKind | null;
  /** why it failed; null when it passed */
  reason: string | null;
  /** one sentence either way, for the verdict line */
  summary: string;
}

export interface JudgeInput {
  state: TimelineState;
  outcome: RunOutcome | null;
  /** turns an absolute file:line:col into what the user sees (relative to the project) */
  show: (location: string) => string;
  port: number;
  /** who chose the port: the user (--port) or verify itself */
  portFrom?: 'flag' | 'verify';
  /** ports verify chose before `port` that were taken too */
  portsTaken?: readonly number[];
  timeoutMs: number;
  dir: string;
}

function fail(failure: FailureKind, reason: string): Verdict {
  return { passed: false, failure, reason, summary: reason };
}

function exitWords(outcome: RunOutcome): string {
  if (outcome.signal) return `was killed by ${outcome.signal}`;
  return `exited with code ${outcome.exitCode ?? '?'}`;
}

function openList(state: TimelineState): string {
  const open = stillOpen(state);
  const waiting = state.sessions.some(
    (session) => session.side === 'server' && !session.closed && session.closeCalls.some((call) => call.method === 'close' && call.by === 'program'),
  );
  // The classic way to never see 'close': close() is graceful and waits for open streams.
  const why = waiting ? '; session.close() was called, but it waits until every open stream has ended' : '';
  return `${open.length > 0 ? `still open: ${open.join(', ')}` : 'nothing http2 was left open'}${why}${serverCloseNote(state)}`;
}

/**
 * What server.close() does to sessions that are still open differs between Node lines. These
 * are the releases it was checked on (test/fixtures/verify/server-close-only run under verify
 * on each): the remarks below name only these, never a range they were not run on.
 */
export const SERVER_CLOSE_CHECKED = {
  /** server.close() stops new sessions and leaves open ones open */
  leavesSessionsOpen: ['20.20.2', '22.23.5'],
  /** server.close() also sends GOAWAY and closes open sessions */
  closesSessions: ['24.22.3', '26.12.1'],
} as const;

function releases(list: readonly string[]): string {
  return `Node ${list.join(' and ')}`;
}

/** This run: the program called server.close() and a session of that server stayed open. */
function serverCloseNote(state: TimelineState): string {
  const reliesOnServerClose = state.servers.some(
    (server) =>
      server.closeCalls.some((call) => call.by === 'program') &&
      state.sessions.some((session) => session.side === 'server' && session.server === server.id && !session.closed),
  );
  return reliesOnServerClose
    ? `; server.close() was called, but the session stayed open: server.close() stops new sessions, and on ${releases(SERVER_CLOSE_CHECKED.leavesSessionsOpen)} it leaves open ones open (${releases(SERVER_CLOSE_CHECKED.closesSessions)} close them): call session.close() too`
    : '';
}

/** This run: Node closed the session only because the program called server.close(). */
function closedByServerCloseNote(state: TimelineState, session: number | null): string {
  const closed = state.sessions.find((candidate) => candidate.id === session);
  if (!closed || closed.closeCalls.length === 0 || closed.closeCalls.some((call) => call.by === 'program')) return '';
  const server = state.servers.find((candidate) => candidate.id === closed.server);
  if (!server?.closeCalls.some((call) => call.by === 'program')) return '';
  return ` (Node closed the session because the program called server.close(), as ${releases(SERVER_CLOSE_CHECKED.closesSessions)} do; ${releases(SERVER_CLOSE_CHECKED.leavesSessionsOpen)} leave it open, and there this program would not pass)`;
}

/** Exceptions the program caught itself: not why it failed or passed, but worth saying. */
function handledNote(state: TimelineState, show: (location: string) => string): string {
  const first = state.handled[0];
  if (!first) return '';
  const more = state.handled.length > 1 ? ` (and ${state.handled.length - 1} more)` : '';
  return `; the program caught an exception in its own process.on('uncaughtException'): ${first.name}: ${first.message}${first.location ? ` (at ${show(first.location)})` : ''}${more}`;
}

/** The program's own emit('close') on a session: it explains a 'close' that "printed" but does not count. */
function selfEmitNote(state: TimelineState, show: (location: string) => string): string {
  const first = state.programCloseEmits[0];
  if (!first) return '';
  return `; the program called session.emit('close') itself${first.location ? ` (${show(first.location)})` : ''}, which runs its listeners but is not Node's event and does not count`;
}

/**
 * The port was taken. Only a port the user gave is theirs to change; one verify chose was
 * free when chosen and taken before the program could bind it, every time it was tried.
 */
function portTaken(input: JudgeInput): Verdict {
  if (input.portFrom !== 'verify')
    return fail(
      'port-taken',
      `port ${input.port} (given with --port) is taken (EADDRINUSE): something else is listening on it; give another --port, or leave it out and verify picks a free one`,
    );
  const ports = [...(input.portsTaken ?? []), input.port];
  return fail(
    'port-taken',
    `port${ports.length === 1 ? '' : 's'} ${ports.join(', ')}, free when verify chose ${ports.length === 1 ? 'it' : 'them'}, ${ports.length === 1 ? 'was' : 'were each'} taken (EADDRINUSE) before the program could listen: something on this machine is taking ports as they come free`,
  );
}

/** Processes that outlived their SIGKILL: the run cannot say everything was stopped. */
function survivorsNote(outcome: RunOutcome | null | undefined): string {
  const survivors = outcome?.survivors ?? [];
  if (survivors.length === 0) return '';
  return `; sent SIGKILL, ${stillRunningWords(survivors)} (stuck in the kernel)`;
}

function uncaughtVerdict(event: Extract<ProbeEvent, { type: 'uncaught' }>, input: JudgeInput): Verdict {
  if (event.code === 'ENOENT' && event.path && /\.pem$/i.test(event.path)) {
    return fail(
      'missing-certificate',
      `certificate file ${event.path} is missing (ENOENT): run \`h2-setup certs\` in the project directory to make private-key.pem and public-cert.pem`,
    );
  }
  if (event.code === 'EADDRINUSE') {
    return portTaken(input);
  }
  const typeScriptSyntax = event.code === 'ERR_INVALID_TYPESCRIPT_SYNTAX' || event.code === 'ERR_UNSUPPORTED_TYPESCRIPT_SYNTAX';
  // A SyntaxError with no program frame on the stack was raised while compiling a module,
  // not by the program's code (JSON.parse would have the program's frame).
  if (typeScriptSyntax || (event.name === 'SyntaxError' && event.location === null)) {
    const where = event.compileLocation ? `${input.show(event.compileLocation)}: ` : '';
    return fail('did-not-compile', `did not compile: ${where}${event.message}`);
  }
  const where = event.location ? ` (at ${input.show(event.location)})` : '';
  const kind = event.origin === 'unhandledRejection' ? 'had an unhandled rejection' : 'threw';
  return fail('threw', `the program ${kind}: ${event.name && event.name !== 'Error' ? `${event.name}: ` : ''}${event.message}${where}`);
}

function describeListener(listener: ListenerState, show: (location: string) => string): string {
  return listener.location ? ` (${show(listener.location)})` : '';
}

/** A process the program forked that died of an exception: often why its session never closed. */
function childCrashNote(state: TimelineState, show: (location: string) => string): string {
  const first = state.uncaughtInChildren[0];
  if (!first) return '';
  return `; process ${first.where?.pid ?? '?'}, which the program started, died of an uncaught ${first.name}: ${first.message}${first.location ? ` (at ${show(first.location)})` : ''}`;
}

export function judge(input: JudgeInput): Verdict {
  const verdict = judgeRun(input);
  const notes =
    handledNote(input.state, input.show) +
    (verdict.passed ? '' : selfEmitNote(input.state, input.show) + childCrashNote(input.state, input.show)) +
    survivorsNote(input.outcome);
  if (!notes) return verdict;
  return verdict.passed ? { ...verdict, summary: verdict.summary + notes } : fail(verdict.failure as FailureKind, (verdict.reason as string) + notes);
}

function judgeRun(input: JudgeInput): Verdict {
  const { state, outcome, show } = input;
  const compileError = state.compileErrors[0];
  if (compileError) {
    const where = `${show(`${compileError.file}${compileError.line ? `:${compileError.line}:${compileError.column ?? 1}` : ''}`)}: `;
    return fail('did-not-compile', `did not compile: ${where}${compileError.message}`);
  }
  if (!outcome || outcome.spawnError) return fail('could-not-start', `could not start node: ${outcome?.spawnError ?? 'unknown error'}`);

  const firstUncaught = state.uncaught[0];
  if (firstUncaught) return uncaughtVerdict(firstUncaught, input);
  const addressInUse = state.servers.flatMap((server) => server.errors).find((error) => error.code === 'EADDRINUSE');
  if (addressInUse) return portTaken(input);

  const serverSessions = state.sessions.filter((session) => session.side === 'server');
  // http2.performServerHandshake() makes server sessions without any Http2Server.
  if (state.servers.length === 0 && serverSessions.length === 0) {
    const http1 = state.http1Servers[0];
    if (http1) {
      return fail(
        'no-http2-server',
        `no http2 server was created: the program made an HTTP/1 server with ${http1.module}.createServer${http1.location ? ` (${show(http1.location)})` : ''}; the tutorial needs http2.createServer or http2.createSecureServer`,
      );
    }
    if (outcome.timedOut) return fail('hung', `it hung and was stopped at the timeout (${input.timeoutMs} ms), and no http2 server was created`);
    if (!state.probeLoaded)
      return fail('could-not-start', `the program ${exitWords(outcome)} before it started${outcome.stderr ? `: ${lastLine(outcome.stderr)}` : ''}`);
    return fail('no-http2-server', `no http2 server was created (http2.createServer / createSecureServer was never called); the program ${exitWords(outcome)}`);
  }

  const closedServerSessions = serverSessions.filter((session) => session.closed);
  const programCloseListeners = state.listeners.filter((listener) => listener.event === 'close');
  const onServerSessions = programCloseListeners.filter((listener) => listener.target === 'session' && listener.side === 'server');
  const ranOnClosedSession = onServerSessions.find((listener) => listener.ran && closedServerSessions.some((session) => session.id === listener.session));

  if (outcome.timedOut) {
    const what =
      closedServerSessions.length === 0
        ? `the server session's 'close' event never fired (${openList(state)})`
        : ranOnClosedSession
          ? `the server session's 'close' event fired and the program's listener ran, but the program did not exit (${openList(state)})`
          : `the server session's 'close' event fired but the program's own 'close' listener never ran (${openList(state)})`;
    return fail('hung', `it hung and was stopped at the timeout (${input.timeoutMs} ms): ${what}`);
  }

  if (serverSessions.length === 0) {
    const listening = state.servers.find((server) => server.listening);
    return fail(
      'exited-before-session',
      `the program ${exitWords(outcome)} before any http2 session was opened${listening ? ` (its server was listening on port ${listening.port ?? '?'})` : ' (its server never started listening)'}`,
    );
  }

  if (closedServerSessions.length === 0) {
    return fail('close-never-fired', `the server session's 'close' event never fired before the program ${exitWords(outcome)} (${openList(state)})`);
  }

  if (!ranOnClosedSession) {
    const late = onServerSessions.find((listener) => listener.afterClose);
    if (late) {
      return fail(
        'listener-never-ran',
        `the program added its 'close' listener${describeListener(late, show)} after the session had already closed, so it never ran`,
      );
    }
    const notRun = onServerSessions[0];
    if (notRun)
      return fail('listener-never-ran', `the server session emitted 'close', but the program's 'close' listener${describeListener(notRun, show)} never ran`);
    const elsewhere = programCloseListeners[0];
    if (elsewhere) {
      const object =
        elsewhere.target === 'stream'
          ? `an Http2Stream (a request), not on the session: it runs when that stream closes`
          : elsewhere.target === 'server'
            ? `the server, not on the session: it runs when the server closes`
            : `the client session, not on a server-side Http2Session`;
      return fail(
        'listener-on-wrong-object',
        `the program's 'close' listener${describeListener(elsewhere, show)} is on ${object}; the server session emitted 'close' with no listener of the program's on it`,
      );
    }
    return fail(
      'no-close-listener',
      `the server session emitted 'close', but the program registered no 'close' listener on it (e.g. stream.session.on('close', ...))`,
    );
  }

  if (outcome.exitCode !== 0)
    return fail('nonzero-exit', `the server session's 'close' event fired and the listener ran, but the program ${exitWords(outcome)}`);

  return {
    passed: true,
    failure: null,
    reason: null,
    summary: `a server-side Http2Session emitted 'close' and the program's own 'close' listener${describeListener(ranOnClosedSession, show)} ran; the program exited 0${closedByServerCloseNote(state, ranOnClosedSession.session)}`,
  };
}

function lastLine(text: string): string {
  const lines = text
    .trim()
    .split('\n')
    .filter((line) => line.trim() !== '' && !/^\s+at /.test(line) && !/^Node\.js v/.test(line));
  return lines[lines.length - 1] ?? basename(text);
}
