// Fast unit tests of verify's pure parts, imported from dist/ (npm test builds first):
// the judge fed made-up timelines, the runner choice per Node version, and the options check.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { judge } from '../../dist/verify/judge.js';
import { summarize } from '../../dist/verify/state.js';
import { chooseRunner } from '../../dist/verify/typescript/index.js';

/** The events of a tutorial-like run that passes; `change` edits them for the other cases. */
function passingEvents() {
  let t = 0;
  const at = () => (t += 1);
  return [
    { type: 'probe-ready', t: at(), pid: 4242, node: 'v20.20.2' },
    { type: 'server-created', t: at(), server: 1, secure: false, location: '/p/index.ts:10:5' },
    { type: 'server-listening', t: at(), server: 1, secure: false, port: 8000, address: '127.0.0.1' },
    { type: 'session-opened', t: at(), session: 1, side: 'server', server: 1, authority: null, alpn: 'h2c' },
    {
      type: 'listener-added',
      t: at(),
      listener: 1,
      event: 'close',
      target: 'session',
      side: 'server',
      session: 1,
      stream: null,
      server: 1,
      afterClose: false,
      location: '/p/index.ts:20:3',
    },
    { type: 'session-closed', t: at(), session: 1, side: 'server' },
    { type: 'listener-ran', t: at(), listener: 1, event: 'close', target: 'session', side: 'server', session: 1 },
    { type: 'exit', t: at(), code: 0 },
  ];
}

function verdict(events, outcome = {}) {
  return judge({
    state: summarize(events),
    outcome: {
      startedAt: 0,
      events,
      stdout: '',
      stderr: '',
      exitCode: 0,
      signal: null,
      timedOut: false,
      aborted: false,
      spawnError: null,
      durationMs: 10,
      ...outcome,
    },
    compileError: null,
    show: (location) => location.replace('/p/', ''),
    port: 8000,
    timeoutMs: 10_000,
    dir: '/p',
  });
}

describe('the judge, fed made-up timelines', () => {
  test("passes when a server session's 'close' fired and the program's own listener on it ran", () => {
    const result = verdict(passingEvents());
    assert.equal(result.passed, true, result.reason);
    assert.equal(result.failure, null);
    assert.match(result.summary, /listener \(index\.ts:20:3\) ran/);
  });

  test("fails as close-never-fired when the session never emitted 'close'", () => {
    const events = passingEvents().filter((event) => event.type !== 'session-closed' && event.type !== 'listener-ran');
    assert.equal(verdict(events, { exitCode: 0 }).failure, 'close-never-fired');
  });

  test('fails as listener-on-wrong-object when the listener was on a stream', () => {
    const events = passingEvents()
      .filter((event) => event.type !== 'listener-ran')
      .map((event) => (event.type === 'listener-added' ? { ...event, target: 'stream', stream: 1 } : event));
    assert.equal(verdict(events).failure, 'listener-on-wrong-object');
  });

  test('fails as hung at the timeout, even after the event fired', () => {
    const result = verdict(passingEvents(), { timedOut: true, exitCode: null, signal: 'SIGKILL' });
    assert.equal(result.failure, 'hung');
    assert.match(result.reason, /fired and the program's listener ran, but the program did not exit/);
  });

  test('fails as nonzero-exit when everything fired but the program exited 1', () => {
    assert.equal(verdict(passingEvents(), { exitCode: 1 }).failure, 'nonzero-exit');
  });

  test('fails as no-http2-server when the program made none', () => {
    const events = passingEvents().filter((event) => event.type === 'probe-ready' || event.type === 'exit');
    assert.equal(verdict(events).failure, 'no-http2-server');
  });
});

describe('runner choice', () => {
  const node20 = new Set(['--enable-source-maps']);
  const node22 = new Set(['--enable-source-maps', '--experimental-strip-types']);

  test('JavaScript runs as it is on every Node', () => {
    for (const flags of [node20, node22]) assert.deepEqual(chooseRunner('/p/index.mjs', flags), { mode: 'javascript', nodeFlags: [] });
  });

  test("TypeScript goes through esbuild on every Node, with Node's own stripping off where Node has it", () => {
    for (const entry of ['/p/index.ts', '/p/index.mts', '/p/index.cts', '/p/index.tsx']) {
      assert.deepEqual(chooseRunner(entry, node22), { mode: 'esbuild', nodeFlags: ['--no-experimental-strip-types'] });
      assert.deepEqual(chooseRunner(entry, node20), { mode: 'esbuild', nodeFlags: [] });
    }
  });
});
