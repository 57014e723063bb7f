// verify cannot be talked into a pass, and leaves nothing behind even when the program
// tries to hide a process or the verifier itself is interrupted.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { cliPath, tempDir } from '../helpers/cli.mjs';
import { fixtures, isAlive, verifyEnv, verifyJson, waitUntilGone } from '../helpers/verify-fixtures.mjs';

function program(t, source) {
  const dir = tempDir(t, 'h2-setup-verify-honesty-');
  writeFileSync(join(dir, 'index.ts'), source);
  return dir;
}

describe('verify is judged by what Node did', { timeout: 300_000 }, () => {
  test("a program that emits 'close' on a live session itself does not pass", async (t) => {
    const dir = program(
      t,
      `import * as http2 from 'node:http2';
const server = http2.createServer();
server.on('session', (session) => {
  session.on('close', () => console.log('session is closed'));
  session.emit('close');
  setTimeout(() => process.exit(0), 50);
});
server.listen(Number(process.env.PORT), () => http2.connect(\`http://localhost:\${process.env.PORT}\`));
`,
    );
    const { code, json } = await verifyJson([dir]);
    assert.equal(code, 1, json.reason);
    assert.equal(json.passed, false);
    assert.equal(json.failure, 'close-never-fired', json.reason);
    assert.ok(json.stdout.includes('session is closed'), 'the text was printed, and still it fails');
    assert.equal(json.timeline.filter((entry) => entry.type === 'session-closed' && entry.side === 'server').length, 0);
  });

  test("lines a program writes to the probe's file descriptor are not events", async (t) => {
    const dir = program(
      t,
      `import { writeSync } from 'node:fs';
for (const type of ['server-created', 'session-opened', 'session-closed', 'listener-ran']) {
  try { writeSync(3, JSON.stringify({ type, t: Date.now(), session: 1, side: 'server', target: 'session', listener: 1, event: 'close' }) + '\\n'); } catch {}
}
`,
    );
    const { code, json } = await verifyJson([dir]);
    assert.equal(code, 1);
    assert.equal(json.failure, 'no-http2-server', json.reason);
  });

  test('a detached process holding the output open: verify still returns at the timeout (+ ~1 s) and kills it', async (t) => {
    const marker = `h2-setup-detached-${process.pid}-${Date.now()}`;
    const dir = program(
      t,
      `import { spawn } from 'node:child_process';
const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', '${marker}'], { detached: true, stdio: 'inherit' });
child.unref();
console.log('detached pid ' + child.pid);
setInterval(() => {}, 1000);
`,
    );
    const timeout = 10000;
    const { code, json } = await verifyJson([dir, '--timeout', String(timeout)]);
    assert.equal(code, 1);
    assert.equal(json.failure, 'hung');
    assert.equal(json.timedOut, true);
    // About a second of grace; more only for a machine so loaded its timers fire late.
    assert.ok(json.durationMs < timeout + 2500, `${json.durationMs} ms`);
    const pid = Number(/detached pid (\d+)/.exec(json.stdout)?.[1]);
    assert.ok(pid > 0, json.stdout);
    assert.ok(
      json.stopped.some((entry) => entry.pid === pid),
      JSON.stringify(json.stopped),
    );
    // Gone when verify answers: it says it stopped it.
    assert.equal(isAlive(pid), false, `detached process ${pid} still running when verify answered`);
  });

  test('Ctrl-C on verify while the program runs: the program is killed, verify ends by SIGINT', async (t) => {
    const tmp = tempDir(t, 'h2-setup-verify-tmp-');
    const dir = tempDir(t, 'h2-setup-verify-honesty-');
    cpSync(join(fixtures, 'until-interrupted'), dir, { recursive: true });
    const markerFile = join(tmp, 'program-is-running');
    // H2_SETUP_CACHE_DIR='' (no cache at all, Node's compile cache included): nothing of
    // verify's may be left in TMPDIR either. The long --timeout costs nothing (the test
    // interrupts as soon as the program runs) and holds however slowly a busy machine starts it.
    const child = spawn(process.execPath, [cliPath, 'verify', dir, '--timeout', '120000'], {
      env: { ...process.env, ...verifyEnv, H2_SETUP_CACHE_DIR: '', TMPDIR: tmp, MARKER_FILE: markerFile },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    t.after(() => child.kill('SIGKILL'));
    const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    // Interrupt only once the program surely runs: it writes its pid first thing.
    let programPid = 0;
    const deadline = Date.now() + 90_000;
    while (!programPid && Date.now() < deadline) {
      try {
        programPid = Number(readFileSync(markerFile, 'utf8'));
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    assert.ok(programPid > 0, 'the program started');
    assert.equal(isAlive(programPid), true);
    child.kill('SIGINT');
    const { signal } = await exited;
    assert.equal(signal, 'SIGINT');
    assert.equal(await waitUntilGone(programPid), true, 'program left behind');
    assert.deepEqual(readdirSync(tmp), ['program-is-running'], "nothing of verify left in TMPDIR, only the program's marker");
  });
});
