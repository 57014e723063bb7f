// verify judges every shape a real program can take, right, on every Node line: each test
// runs its own program from test/fixtures/verify through the real CLI, on loopback.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { isAlive, project, verifyJson } from '../helpers/verify-fixtures.mjs';

const nodeMajor = Number(process.versions.node.split('.')[0]);

function assertPassed({ code, json }) {
  assert.equal(code, 0, `${json.reason}\n${json.stdout}\n${json.stderr}`);
  assert.equal(json.passed, true);
  assert.equal(json.failure, null);
  assert.equal(json.exitCode, 0);
  const ran = json.timeline.find((entry) => entry.type === 'listener-ran');
  assert.equal(ran?.target, 'session');
  assert.equal(ran?.side, 'server');
}

describe('every way to get a server session counts', { concurrency: 3, timeout: 240_000 }, () => {
  for (const name of ['handshake', 'compat', 'server-listener-only', 'worker-session']) {
    test(name, async (t) => {
      const result = await verifyJson([project(t, name), '--timeout', '20000']);
      assertPassed(result);
    });
  }

  for (const method of ['on', 'once', 'addListener', 'prependListener', 'prependOnceListener']) {
    test(`'session' and 'close' listened to with ${method}()`, async (t) => {
      const result = await verifyJson([project(t, 'session-methods'), '--timeout', '20000'], { env: { SESSION_METHOD: method } });
      assertPassed(result);
      const added = result.json.timeline.find((entry) => entry.type === 'listener-added' && entry.event === 'close');
      assert.equal(added.side, 'server');
    });
  }

  test('the server session in a worker thread is seen', async (t) => {
    const { json } = await verifyJson([project(t, 'worker-session'), '--timeout', '20000']);
    const closed = json.timeline.find((entry) => entry.type === 'session-closed' && entry.side === 'server');
    assert.ok(closed, 'session-closed from the worker');
    assert.ok(closed.where.thread > 0, 'labelled with the worker thread');
    assert.equal(closed.where.pid, json.timeline.find((entry) => entry.type === 'probe-ready').pid, "in the program's own process");
    assert.match(json.summary, /server-worker\.mjs:\d+:\d+/);
  });
});

describe('the program sees itself as node or tsx would show it', { concurrency: 2, timeout: 120_000 }, () => {
  test('ES module main guard: process.argv[1] === fileURLToPath(import.meta.url)', async (t) => {
    const dir = project(t, 'main-guard-esm');
    const result = await verifyJson([dir, '--timeout', '20000']);
    assertPassed(result);
    const self = JSON.parse(/SELF (.*)/.exec(result.json.stdout)[1]);
    const file = join(dir, 'index.ts');
    assert.equal(self.argv1, file);
    assert.equal(self.url, `file://${file}`);
    // The stack names the user's file, at the line of `new Error` (7), column 17.
    assert.match(self.stackLine, new RegExp(`\\(?(file://)?${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:7:17\\)?$`));
  });

  test('CommonJS: require.main === module, __filename', async (t) => {
    const dir = project(t, 'main-guard-cjs');
    const result = await verifyJson([dir, '--timeout', '20000']);
    assertPassed(result);
    const self = JSON.parse(/SELF (.*)/.exec(result.json.stdout)[1]);
    const file = join(dir, 'index.ts');
    assert.deepEqual({ argv1: self.argv1, filename: self.filename, isMain: self.isMain }, { argv1: file, filename: file, isMain: true });
    assert.match(self.stackLine, new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:7:17\\)?$`));
  });
});

describe('only what Node did counts', { concurrency: 3, timeout: 240_000 }, () => {
  test("session.destroy(), then the program's own emit('close'), then exit(0): fails", async (t) => {
    const { code, json } = await verifyJson([project(t, 'self-emit-close'), '--timeout', '20000']);
    assert.equal(code, 1);
    assert.equal(json.failure, 'close-never-fired', json.reason);
    assert.match(json.reason, /called session\.emit\('close'\) itself \(index\.ts:13:\d+\)/);
    assert.ok(json.stdout.includes('session is closed'), 'its listener ran on the fake event, and still it fails');
    assert.equal(json.timeline.filter((entry) => entry.type === 'session-closed' && entry.side === 'server').length, 0);
    assert.equal(json.timeline.filter((entry) => entry.type === 'listener-ran').length, 0);
  });

  test("a 'close' listener only on the client session: fails", async (t) => {
    const { code, json } = await verifyJson([project(t, 'client-listener-only'), '--timeout', '20000']);
    assert.equal(code, 1);
    assert.equal(json.failure, 'listener-on-wrong-object', json.reason);
    assert.match(json.reason, /is on the client session/);
  });

  test('a real close, then a non-zero exit: fails', async (t) => {
    const { code, json } = await verifyJson([project(t, 'nonzero-exit'), '--timeout', '20000']);
    assert.equal(code, 1);
    assert.equal(json.failure, 'nonzero-exit', json.reason);
    assert.equal(json.exitCode, 3);
    assert.match(json.reason, /exited with code 3/);
  });

  test("the 'close' listener added after the session closed: fails", async (t) => {
    const { code, json } = await verifyJson([project(t, 'late-listener'), '--timeout', '20000']);
    assert.equal(code, 1);
    assert.equal(json.failure, 'listener-never-ran', json.reason);
    assert.match(json.reason, /after the session had already closed/);
  });

  test('an exception the program handled is reported, and the run passes', async (t) => {
    const result = await verifyJson([project(t, 'handled-exception'), '--timeout', '20000']);
    assertPassed(result);
    assert.match(result.json.summary, /caught an exception in its own process\.on\('uncaughtException'\): Error: a handled failure \(at index\.ts:\d+:\d+\)/);
    const caught = result.json.timeline.find((entry) => entry.type === 'uncaught');
    assert.equal(caught.handled, true);
  });

  // What server.close() does to open sessions was checked on these releases only; the remark
  // names them and nothing else (no ranges of lines it was not run on).
  test('server.close() alone: the remark names only the Node releases it was checked on', async (t) => {
    const { code, json } = await verifyJson([project(t, 'server-close-only'), '--timeout', '10000']);
    const checked = 'Node 24\\.22\\.3 and 26\\.12\\.1';
    const leaves = 'Node 20\\.20\\.2 and 22\\.23\\.5';
    if (nodeMajor >= 24) {
      assert.equal(code, 0, json.reason);
      assert.match(
        json.summary,
        new RegExp(`Node closed the session because the program called server\\.close\\(\\), as ${checked} do; ${leaves} leave it open`),
      );
    } else {
      assert.equal(code, 1);
      assert.equal(json.failure, 'hung', json.reason);
      assert.match(
        json.reason,
        new RegExp(`server\\.close\\(\\) was called, but the session stayed open: .*on ${leaves} it leaves open ones open \\(${checked} close them\\)`),
      );
    }
    assert.doesNotMatch(`${json.summary} ${json.reason}`, /Node 2\d-2\d|and later/);
  });
});

describe('nothing the program started outlives verify, and verify outlives no timeout', { concurrency: 2, timeout: 120_000 }, () => {
  for (const stdio of ['inherit', 'ignore']) {
    test(`a detached child (stdio: '${stdio}') after a normal exit: reported and stopped, exit 0 reported`, async (t) => {
      const timeout = 20000;
      const { code, json } = await verifyJson([project(t, 'detached-child'), '--timeout', String(timeout)], { env: { CHILD_STDIO: stdio } });
      assert.equal(code, 0, json.reason);
      assert.equal(json.exitCode, 0);
      assert.equal(json.timedOut, false);
      // Returned soon after the program's own exit, not at the timeout (nor when the child ends).
      assert.ok(json.durationMs < timeout, `${json.durationMs} ms`);
      const pid = Number(/detached pid (\d+)/.exec(json.stdout)?.[1]);
      assert.ok(pid > 0, json.stdout);
      assert.ok(
        json.stopped.some((entry) => entry.pid === pid),
        JSON.stringify(json.stopped),
      );
      assert.ok(json.timeline.some((entry) => entry.type === 'child-started' && entry.pid === pid && entry.detached));
      // Gone when verify answers: it says it stopped it.
      assert.equal(isAlive(pid), false, `detached process ${pid} still running when verify answered`);
    });
  }
});
