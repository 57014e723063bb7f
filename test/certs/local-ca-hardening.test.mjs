// The local CA under hostile files, races and interruptions (a planted or damaged CA, a
// CA directory others control, two runs making a CA at once): a CA that does not hold together or that others control is refused before
// anything is written; the lock survives a dead holder and never lets two CAs be made;
// --uninstall-ca finds our CAs in NSS without the CA directory.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { isolatedCaEnv } from '../helpers/ca-env.mjs';
import { assertOneLineError, runCli } from '../helpers/cli.mjs';
import { writeCustomCa } from '../helpers/make-cert.mjs';
import { realClients } from '../helpers/real-clients.mjs';

const isRoot = process.getuid?.() === 0;

/** Runs `certs --ca` into a fresh out dir and checks it was refused with one line, exit 2, and nothing written. */
async function assertRefused(_t, env, root, pattern) {
  const out = join(root, 'out');
  const before = readdirSync(env.H2_SETUP_CAROOT).sort();
  const result = await runCli(['certs', '--ca', '--out-dir', out], { env });
  assertOneLineError(assert, result, 2, pattern);
  assert.equal(existsSync(out), false, 'no out directory made');
  assert.deepEqual(readdirSync(env.H2_SETUP_CAROOT).sort(), before, 'nothing written in the CA directory');
  return result;
}

describe('certs --ca refuses a CA that does not hold together, before writing anything', { timeout: 120_000 }, () => {
  for (const [name, options, pattern] of [
    ['a key that is not the certificate key', { otherKey: true }, /not the key of its certificate/],
    ['a certificate without CA:TRUE', { ca: false }, /CA:TRUE/],
    ['a certificate without keyCertSign', { keyCertSign: false }, /keyCertSign/],
    ['an expired CA', { notBefore: new Date('2020-01-01'), notAfter: new Date('2021-01-01') }, /expired on 2021-01-01/],
  ]) {
    test(name, async (t) => {
      const { root, env } = isolatedCaEnv(t);
      writeCustomCa(env.H2_SETUP_CAROOT, options);
      const result = await assertRefused(t, env, root, pattern);
      assert.match(result.stderr, /start a new CA, move .* aside/);
    });
  }

  test('a damaged rootCA.pem', async (t) => {
    const { root, env } = isolatedCaEnv(t);
    writeCustomCa(env.H2_SETUP_CAROOT);
    chmodSync(join(env.H2_SETUP_CAROOT, 'rootCA.pem'), 0o644);
    writeFileSync(join(env.H2_SETUP_CAROOT, 'rootCA.pem'), '-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n');
    await assertRefused(t, env, root, /not a PEM certificate/);
  });

  test('an EC rootCA.pem (made by openssl)', async (t) => {
    if (!realClients(t, ['openssl'])) return;
    const { root, env } = isolatedCaEnv(t);
    mkdirSync(env.H2_SETUP_CAROOT, { mode: 0o700 });
    const made = spawnSync(
      'openssl',
      ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', '/CN=ec CA', '-days', '30'].concat([
        '-keyout',
        join(env.H2_SETUP_CAROOT, 'rootCA-key.pem'),
        '-out',
        join(env.H2_SETUP_CAROOT, 'rootCA.pem'),
        '-addext',
        'basicConstraints=critical,CA:TRUE',
        '-addext',
        'keyUsage=critical,keyCertSign',
      ]),
    );
    assert.equal(made.status, 0, String(made.stderr));
    chmodSync(join(env.H2_SETUP_CAROOT, 'rootCA-key.pem'), 0o400);
    await assertRefused(t, env, root, /EC key; h2-setup signs with RSA CAs only/);
  });
});

describe('certs --ca refuses a CA root others control', { timeout: 120_000 }, () => {
  test('a CA directory writable by others, for --ca and --install-ca alike', async (t) => {
    const { root, env } = isolatedCaEnv(t);
    writeCustomCa(env.H2_SETUP_CAROOT);
    chmodSync(env.H2_SETUP_CAROOT, 0o777);
    await assertRefused(t, env, root, /writable by everyone/);
    const install = await runCli(['certs', '--install-ca'], { env });
    assertOneLineError(assert, install, 2, /writable by everyone/);
    chmodSync(env.H2_SETUP_CAROOT, 0o770);
    await assertRefused(t, env, root, /writable by its group/);
  });

  test('a CA key readable by others', async (t) => {
    const { root, env } = isolatedCaEnv(t);
    writeCustomCa(env.H2_SETUP_CAROOT);
    chmodSync(join(env.H2_SETUP_CAROOT, 'rootCA-key.pem'), 0o644);
    await assertRefused(t, env, root, /readable by others \(mode 644\)/);
  });

  test('a CA directory owned by another user', { skip: isRoot ? false : 'needs root to chown' }, async (t) => {
    const { root, env } = isolatedCaEnv(t);
    writeCustomCa(env.H2_SETUP_CAROOT);
    chownSync(env.H2_SETUP_CAROOT, 65534, 65534);
    await assertRefused(t, env, root, /belongs to user 65534, not to you/);
  });

  test('a relative H2_SETUP_CAROOT is resolved once and said so', async (t) => {
    const { root, env } = isolatedCaEnv(t);
    const result = await runCli(['certs', '--ca', '--out-dir', join(root, 'out')], { env: { ...env, H2_SETUP_CAROOT: 'relative-ca' }, cwd: root });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, new RegExp(`H2_SETUP_CAROOT "relative-ca" is relative; using ${join(root, 'relative-ca')}`));
    assert.ok(existsSync(join(root, 'relative-ca', 'rootCA.pem')));
  });

  test('a CA root inside the project is refused', async (t) => {
    const { root, env } = isolatedCaEnv(t);
    const project = join(root, 'project');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), '{}');
    const result = await runCli(['certs', '--ca', '--out-dir', join(project, 'certs')], { env: { ...env, H2_SETUP_CAROOT: join(project, '.ca') } });
    assertOneLineError(assert, result, 2, /inside the project/);
    assert.deepEqual(readdirSync(project), ['package.json']);
  });

  test('a read-only CA root: one line, exit 2, nothing written', { skip: isRoot ? false : 'needs root to mount a read-only tmpfs' }, async (t) => {
    const { root, env } = isolatedCaEnv(t);
    const mount = join(root, 'ro');
    mkdirSync(mount);
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=64k', 'tmpfs', mount]);
    if (mounted.status !== 0) return t.skip(`mount is not permitted here: ${String(mounted.stderr).trim()}`);
    try {
      const result = await runCli(['certs', '--ca', '--out-dir', join(root, 'out')], { env: { ...env, H2_SETUP_CAROOT: join(mount, 'ca') } });
      assertOneLineError(assert, result, 2, /local CA directory/);
      assert.equal(existsSync(join(root, 'out')), false);
    } finally {
      spawnSync('umount', [mount]);
    }
  });
});

/** Start time of a process as /proc/<pid>/stat gives it (field 22). */
function startTimeOf(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
}

describe('the CA lock', { timeout: 600_000 }, () => {
  test('a lock left by a dead holder is broken at once', async (t) => {
    const { root, env } = isolatedCaEnv(t);
    mkdirSync(env.H2_SETUP_CAROOT, { mode: 0o700 });
    writeFileSync(join(env.H2_SETUP_CAROOT, '.h2-setup.lock.pem'), '4194305 12345\n');
    // The bound is far below the old code's 30 s wait for a lock it could not judge.
    const result = await runCli(['certs', '--ca', '--out-dir', join(root, 'out')], { env, timeoutMs: 20_000 });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(readdirSync(env.H2_SETUP_CAROOT).sort(), ['rootCA-key.pem', 'rootCA.pem']);
  });

  test("a live (stopped) holder's lock is never broken; its pid reused by another process is", async (t) => {
    const { root, env } = isolatedCaEnv(t);
    mkdirSync(env.H2_SETUP_CAROOT, { mode: 0o700 });
    const holder = spawn('sleep', ['600'], { stdio: 'ignore' });
    t.after(() => holder.kill('SIGKILL'));
    holder.kill('SIGSTOP');
    const lock = join(env.H2_SETUP_CAROOT, '.h2-setup.lock.pem');
    writeFileSync(lock, `${holder.pid} ${startTimeOf(holder.pid)}\n`);
    const waiting = runCli(['certs', '--ca', '--out-dir', join(root, 'out')], { env, timeoutMs: 60_000 });
    // While the holder lives, the CA is not made (a lock-breaking bug would make it at once).
    await new Promise((resolve) => setTimeout(resolve, 3000));
    assert.deepEqual(readdirSync(env.H2_SETUP_CAROOT), ['.h2-setup.lock.pem']);
    // Same pid, another start time: the pid now belongs to someone else, so the lock is stale.
    writeFileSync(lock, `${holder.pid} 1\n`);
    const result = await waiting;
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(readdirSync(env.H2_SETUP_CAROOT).sort(), ['rootCA-key.pem', 'rootCA.pem']);
  });

  test('10 first-time `certs --ca` at once make one CA and every leaf verifies with it', async (t) => {
    // Each round is 10 processes generating RSA keys; more with H2_SETUP_RACE_ROUNDS (see certs-races).
    const rounds = Number(process.env.H2_SETUP_RACE_ROUNDS ?? 5);
    const tally = { rounds: 0, roundsWithMoreThanOneCa: 0, failedRuns: 0, leavesNotVerifying: 0 };
    for (let round = 0; round < rounds; round++) {
      const { root, env } = isolatedCaEnv(t);
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, index) => runCli(['certs', '--ca', '--json', '--out-dir', join(root, `out${index}`)], { env, timeoutMs: 120_000 })),
      );
      tally.rounds++;
      for (const failed of results.filter((result) => result.code !== 0)) {
        tally.failedRuns++;
        t.diagnostic(`round ${round}: exit ${failed.code}: ${failed.stderr.trim()}`);
      }
      const ok = results.filter((result) => result.code === 0).map((result) => JSON.parse(result.stdout));
      if (ok.filter((summary) => summary.ca.created).length > 1 || new Set(ok.map((summary) => summary.ca.fingerprintSha256)).size > 1)
        tally.roundsWithMoreThanOneCa++;
      const ca = new X509Certificate(readFileSync(join(env.H2_SETUP_CAROOT, 'rootCA.pem')));
      for (const summary of ok) if (!new X509Certificate(readFileSync(summary.certPath)).verify(ca.publicKey)) tally.leavesNotVerifying++;
      assert.deepEqual(readdirSync(env.H2_SETUP_CAROOT).sort(), ['rootCA-key.pem', 'rootCA.pem']);
    }
    t.diagnostic(JSON.stringify(tally));
    assert.deepEqual(tally, { rounds, roundsWithMoreThanOneCa: 0, failedRuns: 0, leavesNotVerifying: 0 });
  });
});

describe('--uninstall-ca', { timeout: 120_000 }, () => {
  test('finds our CA in NSS by name after the CA directory is gone', async (t) => {
    if (!realClients(t, ['certutil'])) return;
    const { home, env } = isolatedCaEnv(t);
    const install = await runCli(['certs', '--install-ca', '--json'], { env });
    assert.equal(install.code, 0, install.stderr);
    const db = `sql:${join(home, '.pki', 'nssdb')}`;
    assert.match(spawnSync('certutil', ['-d', db, '-L'], { encoding: 'utf8' }).stdout, /h2-setup development CA/);
    rmSync(env.H2_SETUP_CAROOT, { recursive: true, force: true });
    const uninstall = await runCli(['certs', '--uninstall-ca', '--json'], { env });
    assert.equal(uninstall.code, 0, uninstall.stderr);
    assert.equal(JSON.parse(uninstall.stdout).actions[0].status, 'removed');
    assert.doesNotMatch(spawnSync('certutil', ['-d', db, '-L'], { encoding: 'utf8' }).stdout, /h2-setup development CA/);
  });

  test("H2_SETUP_TRUST_STORES=',,' is a usage error", async (t) => {
    const { env } = isolatedCaEnv(t);
    for (const args of [
      ['certs', '--install-ca'],
      ['certs', '--uninstall-ca'],
    ]) {
      const result = await runCli(args, { env: { ...env, H2_SETUP_TRUST_STORES: ',,' } });
      assertOneLineError(assert, result, 2, /names no store/);
      assert.equal(existsSync(env.H2_SETUP_CAROOT), false);
    }
  });
});
