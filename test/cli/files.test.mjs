// The write-failure paths of src/common/files.ts and src/common/paths.ts on real file systems: a full one
// (ENOSPC), a read-only one (EROFS), one the user may not write (EACCES). Small tmpfs mounts
// need root; without it the tests say so and skip.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { assertOneLineError, cliPath, runCli, tempDir } from '../helpers/cli.mjs';

const isRoot = process.getuid?.() === 0;

/** Mounts a tmpfs at `dir` with `options`, runs body, unmounts; skips the test when mount is refused. */
async function withTmpfs(t, dir, options, body) {
  mkdirSync(dir, { recursive: true });
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { encoding: 'utf8' });
  if (mounted.status !== 0) return t.skip(`mount is not permitted here: ${mounted.stderr.trim()}`);
  try {
    await body();
  } finally {
    spawnSync('umount', [dir]);
  }
}

// Suite limits bound a hang, not a busy machine: 180 s, far above a normal run.
describe('certs when the disk refuses', { timeout: 180_000 }, () => {
  test('ENOSPC: one line, exit 1, and nothing left on the full disk', { skip: isRoot ? false : 'needs root to mount a small tmpfs' }, async (t) => {
    const mount = join(tempDir(t), 'full');
    await withTmpfs(t, mount, 'size=4k', async () => {
      const result = await runCli(['certs', '--out-dir', mount]);
      assertOneLineError(assert, result, 1, /no space left on the device/);
      assert.deepEqual(readdirSync(mount), []);
    });
  });

  test('EROFS: one line, exit 2, before anything is made', { skip: isRoot ? false : 'needs root to mount a read-only tmpfs' }, async (t) => {
    const mount = join(tempDir(t), 'ro');
    await withTmpfs(t, mount, 'ro,size=64k', async () => {
      const result = await runCli(['certs', '--out-dir', join(mount, 'certs')]);
      assertOneLineError(assert, result, 2, /read-only file system/);
    });
  });

  test('EACCES: a directory the user may not write, one line, exit 2', { skip: isRoot ? false : 'needs root to run the CLI as another user' }, async (t) => {
    const dir = tempDir(t);
    chmodSync(dir, 0o755);
    const run = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, cliPath, 'certs', '--out-dir', join(dir, 'out')], {
      encoding: 'utf8',
      env: { ...process.env, HOME: dir },
      timeout: 30_000,
    });
    if (run.error) return t.skip(`setpriv is not usable here: ${run.error.message}`);
    assertOneLineError(assert, { code: run.status, stderr: run.stderr }, 2, /permission denied/);
    assert.deepEqual(readdirSync(dir), []);
  });
});

describe('serials', { timeout: 180_000 }, () => {
  test('500 certificates: every serial is positive, 16 octets, no leading zero octet, and every signature verifies', async () => {
    const { buildSignedCertificate, bytesOf, children, distinguishedName, fromDer, OID } = await import('../../dist/certs/x509/index.js');
    const { generateKeyPairSync, X509Certificate } = await import('node:crypto');
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const seenTopBits = new Set();
    for (let i = 0; i < 500; i++) {
      const { pem, serialHex } = buildSignedCertificate({
        subjectPublicKeyInfo: publicKey.export({ type: 'spki', format: 'der' }),
        subject: distinguishedName([[OID.commonName, 'serial.test']]),
        signer: { privateKey },
        notBefore: new Date(Date.now() - 3600_000),
        notAfter: new Date(Date.now() + 86400_000),
        extensions: [],
      });
      const certificate = new X509Certificate(pem);
      // The DER INTEGER itself: TBSCertificate = SEQUENCE { [0] version, INTEGER serial, ... }.
      const [tbs] = children(fromDer(certificate.raw), 'Certificate');
      const serialBytes = bytesOf(children(tbs, 'TBSCertificate')[1], 'serial');
      assert.equal(serialBytes.length, 16, serialHex);
      assert.ok(serialBytes[0] < 0x80, `positive: ${serialHex}`);
      assert.ok(serialBytes[0] !== 0, `no leading zero octet: ${serialHex}`);
      assert.equal(serialBytes.toString('hex'), serialHex);
      assert.ok(certificate.verify(publicKey), `signature verifies: ${serialHex}`);
      seenTopBits.add(serialBytes[1] >> 7);
    }
    assert.equal(seenTopBits.size, 2, 'the random bits below the fixed ones take both values');
  });
});
