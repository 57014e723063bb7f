// A server session in a worker thread or in a process the program forks is the program's:
// the probe and the TypeScript loader go with it, its events join the one timeline labelled
// by thread or process, and killing at --timeout leaves nothing running.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isAlive, project, verifyJson } from '../helpers/verify-fixtures.mjs';

function assertPassed({ code, json }) {
  assert.equal(code, 0, `${json.reason}\n${json.stdout}\n${json.stderr}`);
  assert.equal(json.passed, true);
  assert.equal(json.exitCode, 0);
}

const programPid = (json) => json.timeline.find((entry) => entry.type === 'probe-ready').pid;

/** The server session's 'close', and the program's listener that ran on it, happened where `where` says. */
function assertClosedIn(json, where) {
  const closed = json.timeline.find((entry) => entry.type === 'session-closed' && entry.side === 'server');
  assert.ok(closed, 'a server session closed');
  where(closed);
  const ran = json.timeline.find((entry) => entry.type === 'listener-ran' && entry.session === closed.session);
  assert.ok(ran, "the program's listener on that session ran");
  assert.deepEqual(ran.where, closed.where);
}

async function waitUntilGone(pid, ms = 3000) {
  const deadline = Date.now() + ms;
  while (isAlive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  return !isAlive(pid);
}

describe('sessions in workers and forked processes', { concurrency: 2, timeout: 180_000 }, () => {
  test('a worker thread written in TypeScript, named ./server-worker.js', async (t) => {
    const result = await verifyJson([project(t, 'worker-typescript'), '--timeout', '20000']);
    assertPassed(result);
    assertClosedIn(result.json, (closed) => {
      assert.equal(closed.where.pid, programPid(result.json));
      assert.ok(closed.where.thread > 0, `in a worker thread: ${JSON.stringify(closed)}`);
    });
    const worker = result.json.timeline.find((entry) => entry.type === 'transpiled' && entry.file === 'server-worker.ts');
    assert.ok(worker, 'the worker file went through the TypeScript loader');
    assert.match(result.json.summary, /listener \(server-worker\.ts:20:19\) ran/);
  });

  test('cluster.fork(): the session lives in the cluster worker process', async (t) => {
    const result = await verifyJson([project(t, 'cluster-fork'), '--timeout', '20000']);
    assertPassed(result);
    assertClosedIn(result.json, (closed) => assert.notEqual(closed.where.pid, programPid(result.json)));
    assert.ok(result.json.timeline.some((entry) => entry.type === 'child-started'));
    assert.match(result.json.summary, /listener \(index\.ts:23:21\) ran/);
  });

  test('child_process.fork(__filename) of a CommonJS entry: the session lives in the child', async (t) => {
    const result = await verifyJson([project(t, 'fork-self'), '--timeout', '20000']);
    assertPassed(result);
    const child = result.json.timeline.find((entry) => entry.type === 'child-started' && entry.command.includes('--serve'));
    assertClosedIn(result.json, (closed) => assert.equal(closed.where.pid, child.pid));
    assert.match(result.json.stdout, /session is closed in the child\nchild exited 0\n/);
  });

  test('a forked child that never ends: stopped at the timeout with the program, nothing left running', async (t) => {
    const timeout = 4000;
    const { code, json } = await verifyJson([project(t, 'fork-self'), '--timeout', String(timeout)], { env: { CHILD_HANGS: '1' } });
    assert.equal(code, 1);
    assert.equal(json.failure, 'hung', json.reason);
    assert.equal(json.timedOut, true);
    const pid = Number(/child pid (\d+)/.exec(json.stdout)?.[1]);
    assert.ok(pid > 0, json.stdout);
    assert.ok(
      json.timeline.some((entry) => entry.type === 'server-listening' && entry.where.pid === pid),
      "the child's server is in the timeline",
    );
    assert.equal(await waitUntilGone(pid), true, `forked child ${pid} left behind`);
    assert.equal(await waitUntilGone(programPid(json)), true, 'program left behind');
  });
});
