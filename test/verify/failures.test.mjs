// h2-setup verify on programs that must fail, each with its own reason in words.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { isAlive, makeCertificates, portIsFree, project, runVerify, snapshot, verifyJson } from '../helpers/verify-fixtures.mjs';

const FAILING = [
  { name: 'no-listener', failure: 'no-close-listener', reason: /emitted 'close', but the program registered no 'close' listener/ },
  { name: 'listener-on-stream', failure: 'listener-on-wrong-object', reason: /'close' listener \(index\.ts:11:\d+\) is on an Http2Stream/ },
  { name: 'throws-in-handler', failure: 'threw', reason: /threw: boom in the stream handler \(at index\.ts:8:\d+\)/ },
  { name: 'exits-early', failure: 'exited-before-session', reason: /exited with code 0 before any http2 session/ },
  { name: 'plain-http', failure: 'no-http2-server', reason: /no http2 server was created.*http\.createServer/ },
];

/**
 * Verifies a program that never ends by itself, so the run lasts until --timeout, which
 * counts from the spawn: on a busy machine the program may not even have got as far as
 * hanging by then (Node's start-up and the TypeScript transpile come first), and then the
 * test's premise does not hold. `hanging(result)` says whether it did, from what the
 * program and the probe reported; if not, the run is repeated with twice the timeout
 * (8, 16, 32, 64 s), so a slow machine costs time instead of failing the test.
 */
async function verifyHangingProgram(t, args, hanging) {
  for (let timeoutMs = 8_000; ; timeoutMs *= 2) {
    // The bound on the CLI itself leaves room for its own start-up on a busy machine.
    const result = await runVerify([...args, '--timeout', String(timeoutMs)], { timeoutMs: timeoutMs + 60_000 });
    if (hanging(result) || timeoutMs >= 64_000) return { ...result, timeoutMs };
    t.diagnostic(`the program was not yet hanging when ${timeoutMs} ms ran out (a busy machine): again with twice the time`);
  }
}

/** From a --json run: whether a server session was open (the program reached its hang). */
function serverSessionOpened(result) {
  try {
    return JSON.parse(result.stdout).timeline.some((entry) => entry.type === 'session-opened' && entry.side === 'server');
  } catch {
    return false;
  }
}

describe('verify fails with the right reason', { concurrency: 3 }, () => {
  for (const { name, failure, reason } of FAILING) {
    test(name, async (t) => {
      const dir = project(t, name);
      const before = snapshot(dir);
      const { code, json } = await verifyJson([dir, '--timeout', '20000']);
      assert.equal(code, 1, JSON.stringify(json.reason));
      assert.equal(json.passed, false);
      assert.equal(json.failure, failure, json.reason);
      assert.match(json.reason, reason);
      assert.equal(json.timedOut, false);
      assert.deepEqual(snapshot(dir), before, 'verify wrote nothing into the project');
    });
  }

  test('syntax error: did not compile, with file:line:col', async (t) => {
    // Written here, not kept as a fixture, so linters of this repository never parse it.
    const dir = project(t, 'once');
    writeFileSync(
      join(dir, 'index.ts'),
      "import * as http2 from 'node:http2';\n\nconst port: number = Number(process.env.PORT);\nconst server = http2.createServer(;\nserver.listen(port);\n",
    );
    const { code, json } = await verifyJson([dir]);
    assert.equal(code, 1);
    assert.equal(json.failure, 'did-not-compile');
    // Transpiled as it loads: Node started, and the program's first file did not compile.
    assert.equal(json.typescript.mode, 'esbuild');
    assert.notEqual(json.exitCode, 0);
    assert.match(json.reason, /did not compile: index\.ts:4:35: Unexpected ";"/);
    assert.deepEqual(json.compileError, { file: 'index.ts', line: 4, column: 35, message: 'Unexpected ";"' });
  });

  test('missing certificates: says to run h2-setup certs', async (t) => {
    const dir = project(t, 'example-1-esm');
    const { code, json } = await verifyJson([dir]);
    assert.equal(code, 1);
    assert.equal(json.failure, 'missing-certificate');
    assert.match(json.reason, /private-key\.pem is missing \(ENOENT\).*h2-setup certs/);
  });

  test('never closes because a stream stays open: stopped at the timeout, says what was open', async (t) => {
    const dir = project(t, 'stream-stays-open');
    const { code, stdout, timeoutMs } = await verifyHangingProgram(t, [dir, '--json'], serverSessionOpened);
    const json = JSON.parse(stdout);
    assert.equal(code, 1);
    // The timeout plus about a second (more only on a machine so loaded its timers fire late).
    assert.ok(json.durationMs < timeoutMs + 2500, `${json.durationMs} ms`);
    assert.equal(json.failure, 'hung');
    assert.equal(json.timedOut, true);
    assert.match(json.reason, /'close' event never fired/);
    assert.match(json.reason, /1 server session with 1 open stream/);
    assert.match(json.reason, /session\.close\(\) was called, but it waits until every open stream has ended/);
    assert.equal(await portIsFree(json.port), true, 'port is free again');
  });

  test('hangs: killed at the timeout with everything it started, port free again', async (t) => {
    const dir = project(t, 'hangs');
    const result = await verifyHangingProgram(t, [dir, '--json'], (run) => /helper pid \d+/.test(run.stdout) && serverSessionOpened(run));
    const json = JSON.parse(result.stdout);
    assert.equal(result.code, 1);
    assert.equal(json.failure, 'hung');
    assert.match(json.reason, new RegExp(`hung and was stopped at the timeout \\(${result.timeoutMs} ms\\)`));
    assert.equal(json.signal, 'SIGKILL');
    const helper = Number(/helper pid (\d+)/.exec(json.stdout)?.[1]);
    assert.ok(helper > 0, json.stdout);
    // The program's own child was in its process group: it must be gone too, already when
    // verify answers, since that is when it says so.
    assert.equal(isAlive(helper), false, `process ${helper} still running when verify said it was killed`);
    assert.deepEqual(json.survivors, []);
    const program = json.timeline.find((entry) => entry.type === 'probe-ready').pid;
    assert.equal(isAlive(program), false, 'program process left behind');
    assert.equal(await portIsFree(json.port), true, 'port is free again');
    // The text report says the same in words.
    const text = await verifyHangingProgram(t, [dir], (run) => /helper pid \d+/.test(run.stdout) && /server session #\d+ opened/.test(run.stdout));
    assert.equal(text.code, 1);
    assert.match(text.stdout, /stopped at the timeout: the program and everything it started were killed, and are gone/);
    assert.match(text.stdout, /\nFAIL: it hung/);
    const helperAgain = Number(/helper pid (\d+)/.exec(text.stdout)?.[1]);
    assert.equal(isAlive(helperAgain), false);
  });

  test('port taken (--port on a port in use): EADDRINUSE in words', async (t) => {
    const blocker = createServer();
    await new Promise((resolve) => blocker.listen(0, resolve));
    t.after(() => blocker.close());
    const { port } = blocker.address();
    const dir = project(t, 'example-1-esm', await makeCertificates());
    const { code, json } = await verifyJson([dir, '--port', String(port)]);
    assert.equal(code, 1);
    assert.equal(json.failure, 'port-taken');
    // The user chose it, so the user is told to choose another; verify did not retry it.
    assert.match(json.reason, new RegExp(`port ${port} \\(given with --port\\) is taken \\(EADDRINUSE\\).*give another --port`));
    assert.deepEqual(json.portsTaken, []);
  });

  test('text report names the reason on the FAIL line, no stack trace of ours', async (t) => {
    const dir = project(t, 'listener-on-stream');
    const result = await runVerify([dir]);
    assert.equal(result.code, 1);
    assert.equal(result.stderr, '');
    assert.match(result.stdout, /program adds a 'close' listener to stream #\d+ at index\.ts:11:\d+/);
    // The printed text is misleading here, which is why verify judges the objects instead.
    assert.match(result.stdout, /\n {2}printed {6}session is closed\n/);
    assert.match(result.stdout, /\nFAIL: the program's 'close' listener .* is on an Http2Stream/);
  });
});
