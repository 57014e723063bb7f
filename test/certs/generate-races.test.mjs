// certs under races and interruptions (lost updates, torn pairs, stray temporary files): many real CLI processes at
// once into one directory, and real signals while they write. Every round checks what is
// on disk with Node's own X509Certificate. H2_SETUP_TEST_CLI points the file at another
// build (the lead measured the code before the fix with it).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { cliPath, tempDir } from '../helpers/cli.mjs';

const CLI = process.env.H2_SETUP_TEST_CLI ?? cliPath;
const PROCESSES = 10;
// Each round is 10 processes generating RSA keys at once; 5 rounds keep the suite's share of a
// 2-core machine small, and H2_SETUP_RACE_ROUNDS=50 (say) searches harder when the code changes.
const ROUNDS = Number(process.env.H2_SETUP_RACE_ROUNDS ?? 5);

/** Starts `h2-setup certs ...args`; resolves with its exit code, signal and output. */
function start(args, { killAfterMs, signal = 'SIGTERM' } = {}) {
  const child = spawn(process.execPath, [CLI, 'certs', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
  // A bound on a hang, not on a busy machine: ten 2048-bit keys at once on a loaded 2-core
  // machine have taken close to a minute, and a process killed here reads as a bad round.
  const bound = setTimeout(() => child.kill('SIGKILL'), 300_000);
  const killer = killAfterMs === undefined ? undefined : setTimeout(() => child.kill(signal), killAfterMs);
  const done = new Promise((resolve) => {
    child.on('close', (code, closedBy) => {
      clearTimeout(bound);
      clearTimeout(killer);
      resolve({ code, signal: closedBy, stdout, stderr, json: code === 0 && args.includes('--json') ? JSON.parse(stdout) : undefined });
    });
  });
  done.pid = child.pid;
  return done;
}

/** Resolves once the process has used half a second of CPU (or has exited): start-up and the
 *  existence check take a fraction of that, a 4096-bit key takes seconds, so the key is then
 *  being made. CPU time, not wall time, so a loaded machine does not move the moment. */
async function keyGenerationUnderWay(pid) {
  const cpuTicks = () => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return Number(fields[11]) + Number(fields[12]);
    } catch {
      return undefined;
    }
  };
  for (;;) {
    const ticks = cpuTicks();
    if (ticks === undefined || ticks >= 50) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** The pair on disk: whether the key is the certificate's key, and the certificate's fingerprint. */
function pairOnDisk(dir) {
  const cert = new X509Certificate(readFileSync(join(dir, 'public-cert.pem')));
  const key = createPrivateKey(readFileSync(join(dir, 'private-key.pem')));
  return { matches: cert.checkPrivateKey(key), fingerprint: cert.fingerprint256 };
}

/** Names in dir that are not one of the expected files: leftovers. */
function leftovers(dir, expected = ['private-key.pem', 'public-cert.pem']) {
  return readdirSync(dir).filter((name) => !expected.includes(name));
}

describe('certs: races (10 processes at once, many rounds)', { timeout: 1_800_000 }, () => {
  test('into an empty directory: one wins, the others exit 2 saying the file exists, nothing replaced', async (t) => {
    const root = tempDir(t);
    const tally = { rounds: 0, badRounds: 0, winners: 0 };
    for (let round = 0; round < ROUNDS; round++) {
      const dir = join(root, `r${round}`);
      mkdirSync(dir);
      const results = await Promise.all(Array.from({ length: PROCESSES }, () => start(['--out-dir', dir, '--json'])));
      const winners = results.filter((result) => result.code === 0);
      const losers = results.filter((result) => result.code !== 0);
      const disk = pairOnDisk(dir);
      tally.rounds++;
      tally.winners += winners.length;
      const good =
        winners.length === 1 &&
        winners[0].json.fingerprintSha256 === disk.fingerprint &&
        disk.matches &&
        losers.every((result) => result.code === 2 && /now exists|already exist/.test(result.stderr)) &&
        leftovers(dir).length === 0;
      if (!good) {
        tally.badRounds++;
        const losersSaid = losers.map((result) => `${result.code ?? result.signal}: ${result.stderr.trim()}`).join(' | ');
        t.diagnostic(
          `round ${round}: ${winners.length} winner(s), pair matches: ${disk.matches}, leftovers: ${leftovers(dir).join(', ') || 'none'}; losers: ${losersSaid}`,
        );
      }
    }
    t.diagnostic(`rounds ${tally.rounds}, rounds with more or fewer than one winner or a bad pair: ${tally.badRounds}, winners in all: ${tally.winners}`);
    assert.equal(tally.badRounds, 0, JSON.stringify(tally));
  });

  test('--force: the key and certificate on disk are one pair, printed by a winner; losers exit 2', async (t) => {
    const root = tempDir(t);
    const tally = { rounds: 0, mismatchedPairs: 0, unprintedOnDisk: 0, badLosers: 0, winners: 0, badLoserOutput: [] };
    for (let round = 0; round < ROUNDS; round++) {
      const dir = join(root, `r${round}`);
      mkdirSync(dir);
      const results = await Promise.all(Array.from({ length: PROCESSES }, () => start(['--out-dir', dir, '--force', '--json'])));
      const winners = results.filter((result) => result.code === 0);
      const disk = pairOnDisk(dir);
      tally.rounds++;
      tally.winners += winners.length;
      if (!disk.matches) tally.mismatchedPairs++;
      if (!winners.some((result) => result.json.fingerprintSha256 === disk.fingerprint)) tally.unprintedOnDisk++;
      const bad = results.filter((result) => !(result.code === 0 || (result.code === 2 && /changed while/.test(result.stderr))));
      if (bad.length > 0) tally.badLosers++;
      tally.badLoserOutput.push(...bad.map((result) => `exit ${result.code}: ${result.stderr.trim()}`));
      assert.deepEqual(leftovers(dir), [], 'no temporary or lock file left');
    }
    t.diagnostic(JSON.stringify(tally));
    assert.equal(tally.mismatchedPairs, 0, JSON.stringify(tally));
    assert.equal(tally.unprintedOnDisk, 0, JSON.stringify(tally));
    assert.equal(tally.badLosers, 0, JSON.stringify(tally));
  });

  test('a file the user writes while the key is generated is never replaced', async (t) => {
    const root = tempDir(t);
    const tally = { rounds: 0, userFirst: 0, userFileReplaced: 0, exit0AfterUserFile: 0 };
    for (let round = 0; round < ROUNDS; round++) {
      const dir = join(root, `r${round}`);
      mkdirSync(dir);
      const running = start(['--out-dir', dir, '--bits', '4096']);
      await keyGenerationUnderWay(running.pid);
      let userFirst = true;
      try {
        writeFileSync(join(dir, 'private-key.pem'), 'the user key\n', { flag: 'wx' });
      } catch {
        userFirst = false;
      }
      const result = await running;
      tally.rounds++;
      if (!userFirst) continue;
      tally.userFirst++;
      if (readFileSync(join(dir, 'private-key.pem'), 'utf8') !== 'the user key\n') tally.userFileReplaced++;
      if (result.code === 0) tally.exit0AfterUserFile++;
      else assert.match(result.stderr, /private-key\.pem (now exists|already exist)/);
      assert.deepEqual(leftovers(dir, ['private-key.pem']), [], 'the certificate was not left alone either');
    }
    t.diagnostic(JSON.stringify(tally));
    assert.ok(tally.userFirst > 0, 'at least one round had the user file land during generation');
    assert.equal(tally.userFileReplaced, 0, JSON.stringify(tally));
    assert.equal(tally.exit0AfterUserFile, 0, JSON.stringify(tally));
  });
});

describe('certs: interrupted', { timeout: 1_800_000 }, () => {
  test('SIGINT, SIGTERM or SIGHUP at any moment leaves no key behind but a whole pair', async (t) => {
    const root = tempDir(t);
    const tally = { runs: 0, killedBySignal: 0, finished: 0, leftovers: 0, halfPairs: 0 };
    const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'];
    // How long a run takes on this machine now, so the signals land from start-up to the
    // end of writing rather than all before the key exists.
    const calibrate = join(root, 'calibrate');
    let took = Date.now();
    await start(['--out-dir', calibrate]);
    took = Date.now() - took;
    for (let round = 0; round < ROUNDS; round++) {
      const dir = join(root, `r${round}`);
      mkdirSync(dir);
      // 10 at once, each signalled at its own moment between start-up and the end of writing.
      const results = await Promise.all(
        Array.from({ length: PROCESSES }, (_, index) =>
          start(['--out-dir', join(dir, String(index))], { killAfterMs: took * (0.3 + Math.random()), signal: signals[(round + index) % 3] }),
        ),
      );
      for (const [index, result] of results.entries()) {
        tally.runs++;
        if (result.signal) tally.killedBySignal++;
        else tally.finished++;
        const sub = join(dir, String(index));
        let names = [];
        try {
          names = readdirSync(sub);
        } catch {}
        if (names.some((name) => !['private-key.pem', 'public-cert.pem'].includes(name))) tally.leftovers++;
        if (names.length === 1) tally.halfPairs++;
        if (names.length === 2) assert.ok(pairOnDisk(sub).matches);
      }
    }
    t.diagnostic(JSON.stringify(tally));
    assert.ok(tally.killedBySignal > 0, 'some runs were interrupted');
    assert.equal(tally.leftovers, 0, JSON.stringify(tally));
    assert.equal(tally.halfPairs, 0, JSON.stringify(tally));
  });

  test("a stale temporary file of a dead run is swept; a live run's is not", async (t) => {
    const dir = tempDir(t);
    // pid 2^22 + 1 is above Linux's pid_max ceiling, so no process has it.
    const dead = join(dir, '.private-key.pem.4194305.abc123.tmp.pem');
    const live = join(dir, `.public-cert.pem.${process.pid}.def456.tmp.pem`);
    const stranger = join(dir, '.notes.txt.4194305.abc123.tmp.pem');
    for (const path of [dead, live, stranger]) writeFileSync(path, 'x', { mode: 0o600 });
    const result = await start(['--out-dir', dir]);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(
      readdirSync(dir).sort(),
      [live, stranger]
        .map((path) => path.slice(dir.length + 1))
        .concat(['private-key.pem', 'public-cert.pem'])
        .sort(),
    );
  });
});
