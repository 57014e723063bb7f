// The verdict as a pure function: judge() fed made-up timelines, for the outcomes no real
// program can be made to produce on demand (node itself failing to start) and for what the
// report says whatever the Node line running the suite.
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
const verdict = (events, over) =>
  judge({ state: summarize(events), outcome: outcome(over), show: (location) => location, port: 8000, timeoutMs: 1000, dir: '/p' });

// The remark about server.close() names the releases it was checked on, and nothing broader.
const checkedClose = /Node 24\.22\.3 and 26\.12\.1/;
const checkedOpen = /Node 20\.20\.2 and 22\.23\.5/;
const broader = /Node 2\d-2\d|and later|Node 2\d(?!\.)/;

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

test('server.close() alone, session left open: the reason says why, naming only the releases checked', () => {
  const result = verdict(reliesOnServerClose, { timedOut: true, exitCode: null, signal: 'SIGKILL' });
  assert.equal(result.failure, 'hung');
  assert.match(result.reason, /server\.close\(\) was called, but the session stayed open/);
  assert.match(result.reason, checkedOpen);
  assert.match(result.reason, checkedClose);
  assert.doesNotMatch(result.reason, broader);
});

test('server.close() alone, Node closed the session: the pass names the checked releases that would not', () => {
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
  const result = verdict(closed, {});
  assert.equal(result.passed, true);
  assert.match(result.summary, /Node closed the session because the program called server\.close\(\)/);
  assert.match(result.summary, checkedOpen);
  assert.doesNotMatch(result.summary, broader);
});
