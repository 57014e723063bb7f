// h2-setup verify on programs that must pass: the tutorial's two examples as TypeScript in
// ES module and CommonJS form, and the variations a reader is likely to write. Each runs the
// real CLI against a real program serving HTTP/2 on loopback.
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { makeCertificates, project, runVerify, snapshot, verifyJson } from '../helpers/verify-fixtures.mjs';

const PASSING = [
  {
    name: 'example-1-esm',
    certs: true,
    printed: ['status : 200', 'Received: hello', 'Received: session protocol : h2c', 'server destroyed', 'session is closed'],
  },
  {
    name: 'example-1-cjs',
    certs: true,
    printed: ['status : 200', 'Received: hello', 'Received: session protocol : h2c', 'server destroyed', 'session is closed'],
  },
  { name: 'example-2-esm', certs: true, printed: ['Received: session protocol : h2c', 'server destroyed', 'session is closed'] },
  { name: 'example-2-cjs', certs: true, printed: ['Received: session protocol : h2c', 'server destroyed', 'session is closed'] },
  { name: 'destroy', certs: false, printed: ['session is closed'] },
  { name: 'once', certs: false, printed: ['session is closed', 'server destroyed'] },
  { name: 'tls', certs: true, printed: ['status : 200', 'Received: hello', 'session is closed', 'server destroyed'] },
  { name: 'named-imports', certs: false, printed: ['session is closed', 'server destroyed'] },
  { name: 'default-import', certs: false, printed: ['session is closed', 'server destroyed'] },
];

describe('verify passes', { concurrency: 3 }, () => {
  let certs;
  before(async () => {
    certs = await makeCertificates();
  });

  for (const { name, certs: needsCerts, printed } of PASSING) {
    test(name, async (t) => {
      const dir = project(t, name, needsCerts ? certs : undefined);
      const before = snapshot(dir);
      const { code, json, stderr } = await verifyJson([dir]);
      assert.equal(code, 0, `${json.reason}\n${json.stdout}\n${json.stderr}\n${stderr}`);
      assert.equal(json.passed, true);
      assert.equal(json.reason, null);
      assert.equal(json.exitCode, 0);
      const types = new Set(json.timeline.map((entry) => entry.type));
      for (const type of ['server-created', 'server-listening', 'session-opened', 'session-closed', 'listener-ran', 'exit'])
        assert.ok(types.has(type), `timeline has ${type}`);
      const ran = json.timeline.find((entry) => entry.type === 'listener-ran');
      assert.equal(ran.target, 'session');
      assert.equal(ran.side, 'server');
      for (const line of printed) assert.ok(json.tutorialLines.find((entry) => entry.text === line)?.appeared, `${line} appeared`);
      assert.deepEqual(snapshot(dir), before, 'verify wrote nothing into the project');
    });
  }
});

test('the TLS variant negotiates h2 and says why the h2c line is missing', async (t) => {
  const dir = project(t, 'tls', await makeCertificates());
  const { json } = await verifyJson([dir]);
  assert.equal(json.passed, true, json.reason);
  const server = json.timeline.find((entry) => entry.type === 'server-listening');
  assert.equal(server.secure, true);
  assert.ok(json.timeline.some((entry) => entry.type === 'session-opened' && entry.side === 'server' && entry.alpn === 'h2'));
  const h2c = json.tutorialLines.find((line) => line.text === 'Received: session protocol : h2c');
  assert.equal(h2c.appeared, false);
  assert.match(h2c.why, /h2/);
});

test('text report: timeline with relative times, the tutorial lines with reasons, the verdict', async (t) => {
  const dir = project(t, 'example-1-esm', await makeCertificates());
  const result = await runVerify([dir]);
  assert.equal(result.code, 0, result.stdout + result.stderr);
  assert.equal(result.stderr, '');
  assert.match(result.stdout, /\+\s*\d+\.\d ms {2}server #1 listening on port \d+ \(h2c\)/);
  assert.match(result.stdout, /server session #\d+ 'close'/);
  assert.match(result.stdout, /program's 'close' listener on server session #\d+ runs/);
  assert.match(result.stdout, /process exits with code 0/);
  assert.match(result.stdout, /printed {6}session is closed/);
  // The tutorial's client.close(cb) cannot print: the client session is already closed(ing).
  assert.match(result.stdout, /not printed {2}client destroyed - the client session was already clos(ed|ing).*client\.close\(cb\) was called.*cb never runs/);
  assert.match(result.stdout, /\nPASS: .*'close' listener \(index\.ts:\d+:\d+\) ran/);
});

test('--json is one JSON document with the whole result', async (t) => {
  const dir = project(t, 'example-1-cjs', await makeCertificates());
  const { code, json, stdout } = await verifyJson([dir]);
  assert.equal(code, 0);
  assert.equal(stdout.trim().startsWith('{'), true);
  for (const key of ['passed', 'reason', 'failure', 'timeline', 'tutorialLines', 'stdout', 'stderr', 'exitCode', 'node', 'typescript', 'port'])
    assert.ok(key in json, key);
  assert.equal(json.node, process.version);
  assert.equal(json.typescript.format, 'cjs');
  assert.match(json.stdout, /session is closed/);
  assert.ok(json.timeline.every((entry, i, all) => typeof entry.at === 'number' && (i === 0 || entry.at >= all[i - 1].at - 0.2)));
  const client = json.tutorialLines.find((line) => line.text === 'client destroyed');
  assert.equal(client.appeared, false);
  assert.match(client.why, /client\.close\(cb\)/);

  // docs/json.md documents this very document: test/cli/docs.test.mjs compares the two.
});

test('esbuild output is cached per entry content: the second run skips the transpile, an edit rebuilds', async (t) => {
  const cache = mkdtempSync(join(tmpdir(), 'h2-setup-verify-cache-test-'));
  t.after(() => rmSync(cache, { recursive: true, force: true }));
  const dir = project(t, 'once');
  const env = { H2_SETUP_CACHE_DIR: cache };
  const first = await verifyJson([dir], { env });
  assert.equal(first.json.passed, true, first.json.reason);
  assert.equal(first.json.typescript.cached, false);
  assert.equal(typeof first.json.typescript.transpileMs, 'number');
  const second = await verifyJson([dir], { env });
  assert.equal(second.json.passed, true, second.json.reason);
  assert.equal(second.json.typescript.cached, true);
  assert.equal(second.json.typescript.transpileMs, null);
  appendFileSync(join(dir, 'index.ts'), "\nconsole.log('edited');\n");
  const third = await verifyJson([dir], { env });
  assert.equal(third.json.typescript.cached, false);
  assert.match(third.json.stdout, /edited/);
  // Compile errors are never cached; nothing but esbuild's outputs and Node's own compile cache there.
  assert.ok(
    readdirSync(cache).every((file) => /\.js$/.test(file) || file === 'node-compile-cache'),
    readdirSync(cache).join(' '),
  );
});

test('a project path with spaces and non-ASCII characters, given relative to the working directory', async (t) => {
  const parent = project(t, 'once');
  const dir = join(parent, 'my démo project');
  mkdirSync(dir);
  renameSync(join(parent, 'index.ts'), join(dir, 'index.ts'));
  const { code, json } = await verifyJson(['my démo project'], { cwd: parent });
  assert.equal(code, 0, json.reason);
  assert.equal(json.dir, dir);
  const ran = json.timeline.find((entry) => entry.type === 'listener-ran');
  assert.equal(ran.side, 'server');
});
