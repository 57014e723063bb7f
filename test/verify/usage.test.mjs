// h2-setup verify: bad usage is one line on stderr with exit 2, and verifies run side by side.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { assertOneLineError, tempDir } from '../helpers/cli.mjs';
import { makeCertificates, project, runVerify, verifyJson } from '../helpers/verify-fixtures.mjs';

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

/**
 * Takes the port verify gave the program, the way anything on a busy machine can: it watches
 * /proc for the program (the process whose environment has both `READY_FILE=<readyFile>`
 * and a PORT), listens on 127.0.0.1 at that port, then adds the port to readyFile, which
 * the program waits for before its own listen. After `times` programs it adds 'go', and
 * later ones go on unrobbed. Returns the ports it took and a stop function that closes them.
 */
function portThief(readyFile, times) {
  const taken = [];
  const servers = [];
  const robbed = new Set();
  let busy = false;
  const look = async () => {
    if (busy || taken.length >= times) return;
    busy = true;
    try {
      for (const entry of readdirSync('/proc')) {
        if (!/^\d+$/.test(entry) || robbed.has(entry)) continue;
        let environ;
        try {
          environ = readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0');
        } catch {
          continue;
        }
        const port = Number(environ.find((line) => line.startsWith('PORT='))?.slice(5));
        // The program's own helpers (esbuild's service) carry its environment too: one port, one theft.
        if (!environ.includes(`READY_FILE=${readyFile}`) || !port || taken.includes(port)) continue;
        robbed.add(entry);
        const server = createNetServer();
        await new Promise((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
        servers.push(server);
        taken.push(port);
        writeFileSync(readyFile, [...taken, ...(taken.length === times ? ['go'] : [])].join('\n'));
        break;
      }
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(look, 5);
  return {
    taken,
    stop: () => {
      clearInterval(timer);
      for (const server of servers) server.close();
    },
  };
}

test('a port verify chose, taken before the program listens, is retried on a fresh one', {
  skip: !existsSync('/proc/self/environ') && 'needs /proc to find the program',
}, async (t) => {
  const dir = project(t, 'slow-to-listen');
  const readyFile = join(tempDir(t), 'ready');
  const thief = portThief(readyFile, 1);
  t.after(thief.stop);
  const { code, json } = await verifyJson([dir], { env: { READY_FILE: readyFile }, timeoutMs: 60_000 });
  assert.deepEqual(thief.taken.length, 1, 'the thief took the first port');
  assert.equal(code, 0, json.reason);
  assert.equal(json.passed, true);
  assert.deepEqual(json.portsTaken, thief.taken);
  assert.notEqual(json.port, thief.taken[0]);
  const text = await runVerify([dir], { env: { READY_FILE: readyFile } });
  assert.equal(text.code, 0, text.stdout);
});

test('ports verify chose, taken every time: the reason says so, and never to leave out --port', {
  skip: !existsSync('/proc/self/environ') && 'needs /proc to find the program',
}, async (t) => {
  const dir = project(t, 'slow-to-listen');
  const readyFile = join(tempDir(t), 'ready');
  const thief = portThief(readyFile, 3);
  t.after(thief.stop);
  const { code, json } = await verifyJson([dir], { env: { READY_FILE: readyFile }, timeoutMs: 60_000 });
  assert.equal(code, 1);
  assert.equal(json.failure, 'port-taken');
  assert.deepEqual([...json.portsTaken, json.port], thief.taken);
  assert.equal(
    json.reason,
    `ports ${thief.taken.join(', ')}, free when verify chose them, were each taken (EADDRINUSE) before the program could listen: something on this machine is taking ports as they come free`,
  );
  assert.doesNotMatch(json.reason, /--port/);
});
