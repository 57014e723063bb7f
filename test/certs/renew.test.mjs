// `certs --renew`, safe in a project's predev/prestart script: makes a missing pair, remakes one that --check would fail
// for a reason a new pair cures, and otherwise writes nothing; --check's "expiring soon"
// follows the same rule (less than a third of the lifetime left, never more than 30 days).
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { isolatedCaEnv } from '../helpers/ca-env.mjs';
import { assertOneLineError, runCli, runCommand, tempDir } from '../helpers/cli.mjs';
import { writeCustomPair } from '../helpers/make-cert.mjs';
import { snapshot } from '../helpers/snapshot.mjs';

const DAY = 86_400_000;
// writeCustomPair's names: the pair is complete for these, so only its dates decide.
const ITS_HOSTS = ['--host', 'localhost', '--host', '127.0.0.1'];

async function renew(dir, env, extra = []) {
  const result = await runCli(['certs', '--renew', '--out-dir', dir, ...extra, '--json'], { env, timeoutMs: 90_000 });
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout);
}

/** The SHA-256 fingerprint of the certificate in `dir`. */
const fingerprintOf = (dir) => new X509Certificate(readFileSync(join(dir, 'public-cert.pem'))).fingerprint256;

describe('certs --renew', { timeout: 5 * 60_000 }, () => {
  test('missing: made; fresh: nothing written (same fingerprint, same mtimes), in text too', async (t) => {
    const { env } = isolatedCaEnv(t);
    const dir = join(tempDir(t), 'certs');
    const made = await renew(dir, env);
    assert.equal(made.action, 'made');
    const first = snapshot(dir);
    assert.equal(made.summary.fingerprintSha256, fingerprintOf(dir));
    const again = await renew(dir, env);
    assert.equal(again.action, 'unchanged');
    assert.deepEqual(again.reasons, []);
    assert.deepEqual(snapshot(dir), first);
    const text = await runCli(['certs', '--renew', '--out-dir', dir], { env });
    assert.equal(text.code, 0);
    assert.match(text.stdout, /^Unchanged: .*public-cert\.pem .*nothing was written\.\n$/);
    assert.deepEqual(snapshot(dir), first);
  });

  test('expired: remade, with the reason', async (t) => {
    const { env } = isolatedCaEnv(t);
    const dir = tempDir(t);
    writeCustomPair(dir, { notBefore: new Date(Date.now() - 100 * DAY), notAfter: new Date(Date.now() - DAY) });
    const old = fingerprintOf(dir);
    const result = await renew(dir, env, ITS_HOSTS);
    assert.equal(result.action, 'remade');
    assert.deepEqual(
      result.reasons.map((reason) => reason.code),
      ['expired'],
    );
    assert.notEqual(fingerprintOf(dir), old);
    assert.ok(Date.parse(result.notAfter) > Date.now() + 300 * DAY);
    const check = await runCli(['certs', '--check', '--out-dir', dir, ...ITS_HOSTS, '--json'], { env, timeoutMs: 90_000 });
    assert.equal(check.code, 0, check.stdout);
  });

  test('due by the third-of-lifetime rule: remade; a short certificate with most of its life left: unchanged', async (t) => {
    const { env } = isolatedCaEnv(t);
    // 90-day lifetime, 10 days left: under a third (30 days) -> due.
    const due = tempDir(t);
    writeCustomPair(due, { notBefore: new Date(Date.now() - 80 * DAY), notAfter: new Date(Date.now() + 10 * DAY) });
    const dueResult = await renew(due, env, ITS_HOSTS);
    assert.equal(dueResult.action, 'remade');
    assert.deepEqual(
      dueResult.reasons.map((reason) => reason.code),
      ['expiring-soon'],
    );
    assert.match(dueResult.reasons[0].message, /a third of its lifetime, and at most 30 days/);
    // 21-day lifetime, 20 days left: a flat "within 30 days" would call it expiring; the rule does not.
    const young = tempDir(t);
    writeCustomPair(young, { notBefore: new Date(Date.now() - DAY), notAfter: new Date(Date.now() + 20 * DAY) });
    const before = snapshot(young);
    assert.equal((await renew(young, env, ITS_HOSTS)).action, 'unchanged');
    assert.deepEqual(snapshot(young), before);
  });

  test('`certs --days 10` passes its own --check, and --renew leaves it', async (t) => {
    const { env } = isolatedCaEnv(t);
    const dir = tempDir(t);
    assert.equal((await runCli(['certs', '--days', '10', '--out-dir', dir], { env })).code, 0);
    const check = await runCli(['certs', '--check', '--out-dir', dir], { env, timeoutMs: 90_000 });
    assert.equal(check.code, 0, check.stdout);
    assert.equal((await renew(dir, env)).action, 'unchanged');
  });

  test('a --host not covered: remade covering the old names and the new one; then unchanged', async (t) => {
    const { env } = isolatedCaEnv(t);
    const dir = tempDir(t);
    assert.equal((await runCli(['certs', '--host', 'localhost', '--host', 'api.test', '--out-dir', dir], { env })).code, 0);
    const result = await renew(dir, env, ['--host', 'app.test']);
    assert.equal(result.action, 'remade');
    assert.deepEqual(
      result.reasons.map((reason) => reason.code),
      ['host-not-covered'],
    );
    const san = new X509Certificate(readFileSync(join(dir, 'public-cert.pem'))).subjectAltName;
    assert.match(san, /DNS:localhost/);
    assert.match(san, /DNS:api\.test/);
    assert.match(san, /DNS:app\.test/);
    assert.equal((await renew(dir, env, ['--host', 'app.test'])).action, 'unchanged');
  });

  test('a CA-signed pair stays CA-signed, and a CA that no longer signs it: remade', async (t) => {
    const { root, env } = isolatedCaEnv(t);
    const dir = join(root, 'out');
    assert.equal((await runCli(['certs', '--ca', '--out-dir', dir], { env })).code, 0);
    // Another CA takes the first one's place: the pair no longer chains to ca-cert.pem's CA.
    const other = { ...env, H2_SETUP_CAROOT: join(root, 'other-ca') };
    assert.equal((await runCli(['certs', '--ca', '--force', '--out-dir', join(root, 'other')], { env: other })).code, 0);
    const { copyFileSync } = await import('node:fs');
    copyFileSync(join(root, 'other', 'ca-cert.pem'), join(dir, 'ca-cert.pem'));
    const result = await renew(dir, other);
    assert.equal(result.action, 'remade');
    assert.ok(
      result.reasons.some((reason) => reason.code === 'ca-mismatch'),
      JSON.stringify(result.reasons),
    );
    assert.ok(result.summary.ca, 'still CA-signed');
    const check = await runCli(['certs', '--check', '--out-dir', dir, '--json'], { env: other, timeoutMs: 90_000 });
    assert.equal(check.code, 0, check.stdout);
  });

  test('bad input is exit 2 before anything is written; --renew with --check or --force is refused', async (t) => {
    const { env } = isolatedCaEnv(t);
    const dir = join(tempDir(t), 'certs');
    assertOneLineError(assert, await runCli(['certs', '--renew', '--days', '0', '--out-dir', dir], { env }), 2, /--days/);
    assertOneLineError(assert, await runCli(['certs', '--renew', '--host', 'bad name', '--out-dir', dir], { env }), 2, /--host/);
    assertOneLineError(assert, await runCli(['certs', '--renew', '--check', '--out-dir', dir], { env }), 2);
    assertOneLineError(assert, await runCli(['certs', '--renew', '--force', '--out-dir', dir], { env }), 2);
    const { existsSync } = await import('node:fs');
    assert.equal(existsSync(dir), false);
  });

  test("the TLS scaffold's prestart runs this h2-setup's certs --renew (never npx), and it passes", async (t) => {
    const { root, env } = isolatedCaEnv(t);
    const made = await runCli(['init', 'demo', '--tls', '--yes', '--no-verify'], { cwd: root, env, timeoutMs: 120_000 });
    assert.equal(made.code, 0, made.stderr);
    const project = join(root, 'demo');
    const pkg = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8'));
    assert.match(pkg.scripts.prestart, /certs --renew 1>&2$/);
    assert.doesNotMatch(pkg.scripts.prestart, /npx/);
    const before = snapshot(project);
    const ran = await runCommand('sh', ['-c', pkg.scripts.prestart], { cwd: project, env, timeoutMs: 90_000 });
    assert.equal(ran.code, 0, ran.stderr);
    assert.equal(ran.stdout, '', "stdout stays the tutorial's");
    assert.match(ran.stderr, /^Unchanged/);
    assert.deepEqual(snapshot(project), before);
  });
});
