// The verdict as a pure function: judge() fed made-up timelines, for the outcomes no real
// program can be made to produce on demand (node itself failing to start) and for what the
// report says on a Node line other than the one running the suite.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { judge } from '../../dist/verify/judge.js';
import { summarize } from '../../dist/verify/state.js';

const outcome = (over = {}) => ({
  startedAt: 0,
  events: [],
  stdout: '',
  stderr: '',
  exitCode: 0,
  signal: null,
  timedOut: false,
  stopped: [],
  spawnError: null,
  durationMs: 1,
  ...over,
});
const verdict = (events, over, nodeMajor) =>
  judge({ state: summarize(events), outcome: outcome(over), show: (location) => location, port: 8000, timeoutMs: 1000, dir: '/p', nodeMajor });

test('could-not-start: node could not be spawned', () => {
  const result = verdict([], { spawnError: 'spawn node ENOENT', exitCode: null });
  assert.equal(result.failure, 'could-not-start');
  assert.match(result.reason, /could not start node: spawn node ENOENT/);
});

test('could-not-start: node exited before the probe (so the program) ever ran', () => {
  const result = verdict([], { exitCode: 9, stderr: 'node: bad option: --nope\n' });
  assert.equal(result.failure, 'could-not-start');
  assert.match(result.reason, /exited with code 9 before it started: node: bad option: --nope/);
});

// A server whose session was still open when the program called server.close().
const reliesOnServerClose = [
  { type: 'probe-ready', t: 0, pid: 1, node: 'v' },
  { type: 'server-created', t: 1, server: 1, secure: false, location: null },
  { type: 'server-listening', t: 2, server: 1, secure: false, port: 8000, address: '::' },
  { type: 'session-opened', t: 3, session: 1, side: 'server', server: 1, authority: null, alpn: 'h2c' },
  {
    type: 'listener-added',
    t: 3,
    listener: 1,
    event: 'close',
    target: 'session',
    side: 'server',
    session: 1,
    stream: null,
    server: 1,
    afterClose: false,
    location: '/p/index.ts:3:1',
  },
  { type: 'server-close-called', t: 4, server: 1, by: 'program', hasCallback: false },
];

test('server.close() alone, session left open: on Node 20-23 the reason says why', () => {
  const result = verdict(reliesOnServerClose, { timedOut: true, exitCode: null, signal: 'SIGKILL' }, 20);
  assert.equal(result.failure, 'hung');
  assert.match(result.reason, /on Node 20 it only stops new sessions/);
  assert.doesNotMatch(verdict(reliesOnServerClose, { timedOut: true, exitCode: null, signal: 'SIGKILL' }, 24).reason, /only stops new sessions/);
});

test('server.close() alone, Node closed the session: the pass says Node 20-23 would not', () => {
  const closed = [
    ...reliesOnServerClose,
    {
      type: 'session-close-called',
      t: 5,
      session: 1,
      side: 'server',
      method: 'close',
      by: 'node',
      hasCallback: false,
      alreadyClosing: false,
      alreadyClosed: false,
      openStreams: 0,
    },
    { type: 'session-closed', t: 6, session: 1, side: 'server' },
    { type: 'listener-ran', t: 6, listener: 1, event: 'close', target: 'session', side: 'server', session: 1 },
  ];
  const result = verdict(closed, {}, 26);
  assert.equal(result.passed, true);
  assert.match(result.summary, /Node closed the session because the program called server\.close\(\)/);
});
