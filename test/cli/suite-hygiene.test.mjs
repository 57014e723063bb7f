// The suite's own promises about the machine it runs on, checked with the real CLI:
// a test's children get a private HOME, cache and CA root (not the user's), a child that
// is stopped takes everything it started with it (the verified program in its own
// process group included), and a real-client test without its program skips naming the
// Debian package, or fails where CI requires the real clients.
// (.ci/leaves-no-trace.mjs checks the same of a whole suite run, from outside.)
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli, runCommand, tempDir } from '../helpers/cli.mjs';
import { isAlive } from '../helpers/verify-fixtures.mjs';

/** SIGKILL is sent at once, but the kernel may take a moment to tear a process down. */
async function settle(pids) {
  const deadline = Date.now() + 5_000;
  while (pids.some(isAlive) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
}

const realClientsModule = new URL('../helpers/real-clients.mjs', import.meta.url).href;

test('a child of a test runs with a temporary HOME, cache and CA root, never the user’s', async (t) => {
  // Spawned directly, as some tests do, not through runCli: the sandbox is on process.env.
  const seen = spawnSync(
    process.execPath,
    ['-p', 'JSON.stringify([require("node:os").homedir(), process.env.H2_SETUP_CACHE_DIR, process.env.H2_SETUP_CAROOT, process.env.XDG_CACHE_HOME])'],
    { encoding: 'utf8' },
  );
  const [home, cacheDir, caRoot, xdgCache] = JSON.parse(seen.stdout);
  for (const path of [home, cacheDir, caRoot, xdgCache]) {
    assert.ok(path?.includes('h2-setup-test-home-'), `${path} is inside the test's temporary home`);
  }
  assert.notEqual(home, userInfo().homedir, 'not the home the password database gives');

  // The real CLI makes its local CA where a test without an environment of its own sends it.
  const out = tempDir(t);
  const made = await runCli(['certs', '--ca', '--out-dir', out]);
  assert.equal(made.code, 0, made.stderr);
  assert.ok(existsSync(join(caRoot, 'rootCA.pem')), `the CA was made in ${caRoot}`);
});

test('a stopped child takes everything it started with it, the verified program and its detached child too', async (t) => {
  const dir = tempDir(t);
  // A program that never finishes and starts a process in a session of its own: neither
  // is in the CLI's process group (verify starts the program in a group of its own).
  writeFileSync(
    join(dir, 'index.mjs'),
    `import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
const grandchild = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { detached: true, stdio: 'ignore' });
writeFileSync('pids.json', JSON.stringify({ program: process.pid, grandchild: grandchild.pid }));
setInterval(() => {}, 1000);
`,
  );
  const pidsFile = join(dir, 'pids.json');
  const controller = new AbortController();
  const verifying = runCli(['verify', dir, '--entry', 'index.mjs', '--timeout', '120000'], { signal: controller.signal, timeoutMs: 120_000 });
  verifying.catch(() => {}); // awaited below
  const waitUntil = Date.now() + 60_000;
  while (!existsSync(pidsFile) && Date.now() < waitUntil) await new Promise((resolve) => setTimeout(resolve, 50));
  assert.ok(existsSync(pidsFile), 'the program started within 60 s');
  let pids;
  for (;;) {
    try {
      pids = JSON.parse(readFileSync(pidsFile, 'utf8'));
      break;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 20)); // written but not complete yet
    }
  }
  assert.ok(isAlive(pids.program) && isAlive(pids.grandchild), 'both are running before the stop');

  controller.abort();
  await assert.rejects(verifying, /was aborted \(killed pids /);
  await settle([pids.program, pids.grandchild]);
  assert.equal(isAlive(pids.program), false, `the verified program ${pids.program} was left running`);
  assert.equal(isAlive(pids.grandchild), false, `the program's detached child ${pids.grandchild} was left running`);
});

test('a child that outlives its time bound is killed and the run rejects', async () => {
  const error = await runCommand(process.execPath, ['-e', 'console.log(process.pid); setInterval(() => {}, 1000)'], { timeoutMs: 2_000 }).then(
    () => assert.fail('the run resolved'),
    (rejection) => rejection,
  );
  assert.match(error.message, /did not finish within 2000 ms/);
  const pid = Number(/stdout: (\d+)/.exec(error.message)?.[1]);
  if (pid) {
    await settle([pid]);
    assert.equal(isAlive(pid), false, `${pid} is still running`);
  }
});

test('a real-client test without its program skips naming the Debian package, or fails where CI requires it', async (t) => {
  // A PATH holding only node: no chromium, certutil or curl.
  const bin = join(tempDir(t), 'bin');
  mkdirSync(bin);
  symlinkSync(process.execPath, join(bin, 'node'));
  const script = `import { findRealClients } from ${JSON.stringify(realClientsModule)};
console.log(JSON.stringify(findRealClients(['chromium', 'certutil', 'curl'])));`;
  const args = ['--input-type=module', '-e', script];

  const developer = await runCommand(process.execPath, args, { env: { PATH: bin, H2_SETUP_REQUIRE_REAL_CLIENTS: '' } });
  assert.equal(developer.code, 0, developer.stderr);
  assert.deepEqual(JSON.parse(developer.stdout), {
    missing:
      "chromium and certutil and curl with HTTP/2 not found: install Debian's chromium and libnss3-tools and curl (apt-get install chromium libnss3-tools curl)",
  });

  const ci = await runCommand(process.execPath, args, { env: { PATH: bin, H2_SETUP_REQUIRE_REAL_CLIENTS: '1' } });
  assert.notEqual(ci.code, 0);
  assert.match(ci.stderr, /chromium and certutil and curl with HTTP\/2 not found: .*H2_SETUP_REQUIRE_REAL_CLIENTS=1/);

  // Where a program is there, its path (a stand-in named openssl: only its presence is looked at).
  symlinkSync(process.execPath, join(bin, 'openssl'));
  const present = await runCommand(process.execPath, ['--input-type=module', '-e', script.replace("'chromium', 'certutil', 'curl'", "'openssl'")], {
    env: { PATH: bin },
  });
  assert.deepEqual(JSON.parse(present.stdout), { openssl: join(bin, 'openssl') });
});
