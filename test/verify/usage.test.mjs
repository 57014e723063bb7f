// h2-setup verify: bad usage is one line on stderr with exit 2, and verifies run side by side.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { assertOneLineError, tempDir } from '../helpers/cli.mjs';
import { makeCertificates, project, runVerify } from '../helpers/verify-fixtures.mjs';

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

test('an entry verify cannot run is refused before anything runs', async (t) => {
  const dir = project(t, 'once');
  writeFileSync(join(dir, 'x.py'), 'print("hello")\n');
  for (const entry of ['x.py', 'index', 'index.jsx']) {
    assertOneLineError(
      assert,
      await runVerify([dir, '--entry', entry]),
      2,
      /--entry ".*" is not a program verify can run; expected a \.ts, \.mts, .* or \.cjs file/,
    );
  }
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
    assertOneLineError(
      assert,
      await runVerify([dir, '--port', value]),
      2,
      /--port .* is not a port; expected a whole number from 1 to 65535 \(leave it out to use a free one\)/,
    );
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
