// h2-setup verify: bad usage is one line on stderr with exit 2, and verifies run side by side.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { assertOneLineError, repoRoot, tempDir } from './helpers/cli.mjs';
import { makeCertificates, project, runVerify } from './helpers/verify-fixtures.mjs';

test('no such directory', async (t) => {
  const missing = join(tempDir(t), 'nope');
  const result = await runVerify([missing]);
  assertOneLineError(assert, result, 2, /no such directory .*nope.*expected the project directory/);
  assert.equal(result.stdout, '');
});

test('DIR is a file', async (t) => {
  const file = join(tempDir(t), 'index.ts');
  writeFileSync(file, '');
  assertOneLineError(assert, await runVerify([file]), 2, /is not a directory/);
});

test('no entry file', async (t) => {
  const dir = tempDir(t);
  assertOneLineError(assert, await runVerify([dir]), 2, /no entry file .*index\.ts.*--entry FILE/);
  assertOneLineError(assert, await runVerify([dir, '--entry', 'server.ts']), 2, /no entry file .*server\.ts/);
  mkdirSync(join(dir, 'sub.ts'));
  assertOneLineError(assert, await runVerify([dir, '--entry', 'sub.ts']), 2, /is not a file/);
});

test('bad --timeout', async (t) => {
  const dir = project(t, 'once');
  for (const value of ['abc', '0', '-5', '1.5', '1e3', '600001', '']) {
    assertOneLineError(assert, await runVerify([dir, '--timeout', value]), 2, /--timeout .* not accepted; expected whole milliseconds from 1 to 600000/);
  }
});

test('bad --port', async (t) => {
  const dir = project(t, 'once');
  for (const value of ['0', '65536', 'http', '80.5', '-1']) {
    assertOneLineError(assert, await runVerify([dir, '--port', value]), 2, /--port .* not accepted; expected a port number from 1 to 65535/);
  }
});

test('--entry picks another file, JavaScript runs as it is', async (t) => {
  const dir = project(t, 'once');
  writeFileSync(
    join(dir, 'server.mjs'),
    `import http2 from 'node:http2';
const server = http2.createServer((req, res) => res.end('ok'));
server.on('session', (session) => session.on('close', () => console.log('session is closed')));
server.listen(process.env.PORT, () => {
  const client = http2.connect('http://127.0.0.1:' + process.env.PORT);
  const req = client.request({ ':path': '/' });
  req.resume();
  req.on('end', () => { client.close(); server.close(); });
});
`,
  );
  const result = await runVerify([dir, '--entry', 'server.mjs', '--json']);
  const json = JSON.parse(result.stdout);
  assert.equal(result.code, 0, json.reason);
  assert.equal(json.typescript.mode, 'javascript');
});

test('ten verifies of the same project at once all pass', async (t) => {
  const dir = project(t, 'example-1-esm', await makeCertificates());
  const results = await Promise.all(Array.from({ length: 10 }, () => runVerify([dir, '--json'], { timeoutMs: 60_000 })));
  const ports = new Set();
  for (const result of results) {
    const json = JSON.parse(result.stdout);
    assert.equal(result.code, 0, json.reason);
    assert.equal(json.passed, true);
    ports.add(json.port);
  }
  assert.equal(ports.size, 10, 'each run had its own port');
});

// The launcher reads verify's flags itself (no commander, for start-up time) and hands
// anything else to the full CLI: both paths must behave as one.
test("the launcher's fast path and commander give the same verdict, output and errors", async (t) => {
  const certs = await makeCertificates();
  const dir = project(t, 'example-1-esm', certs);
  const viaCommander = (args) =>
    new Promise((resolve) => {
      execFile(process.execPath, [join(repoRoot, 'dist', 'cli.js'), 'verify', ...args], { timeout: 30_000 }, (error, stdout, stderr) =>
        resolve({ code: error ? error.code : 0, stdout, stderr }),
      );
    });
  const [fast, slow] = await Promise.all([runVerify([dir, '--json', '--timeout', '20000']), viaCommander([dir, '--json', '--timeout', '20000'])]);
  assert.equal(fast.code, 0, fast.stderr);
  assert.equal(slow.code, 0, slow.stderr);
  const [a, b] = [JSON.parse(fast.stdout), JSON.parse(slow.stdout)];
  for (const key of ['passed', 'reason', 'failure', 'entry', 'timeoutMs', 'exitCode', 'stdout']) assert.deepEqual(a[key], b[key], key);
  assert.deepEqual(a.tutorialLines, b.tutorialLines);

  for (const args of [
    [dir, '--bogus'],
    [dir, '--port'],
    [dir, 'second-dir'],
    [dir, '--timeout', 'soon'],
  ]) {
    const [f, s] = await Promise.all([runVerify(args), viaCommander(args)]);
    assert.equal(f.code, 2, `${args.join(' ')}: ${f.stderr}`);
    assert.equal(f.code, s.code, args.join(' '));
    assert.equal(f.stderr, s.stderr, args.join(' '));
  }
});
