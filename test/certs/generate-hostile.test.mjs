// certs with hostile and odd input (planted files, oversized or odd names and paths, bad modes):
// what is refused says so in one line with exit 2 and writes nothing; what is read is a
// regular file of bounded size; what is written is placed, never written in place.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { existsSync, linkSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import tls from 'node:tls';
import forge from 'node-forge';
import { isolatedCaEnv } from '../helpers/ca-env.mjs';
import { assertOneLineError, cliPath, runCli, tempDir } from '../helpers/cli.mjs';
import { writeCustomPair } from '../helpers/make-cert.mjs';

const hasMkfifo = spawnSync('mkfifo', ['--version']).status === 0;

// Suite limits bound a hang, not a busy machine: 180 s, far above a normal run.
describe('certs --check reads only regular files of bounded size', { timeout: 180_000 }, () => {
  test('a FIFO where the certificate should be is reported, not waited on', { skip: hasMkfifo ? false : 'mkfifo is not available' }, async (t) => {
    const dir = tempDir(t);
    writeCustomPair(dir);
    const cert = join(dir, 'public-cert.pem');
    execFileSync('rm', [cert]);
    execFileSync('mkfifo', [cert]);
    const result = await runCli(['certs', '--check', '--out-dir', dir], { timeoutMs: 120_000 });
    assert.equal(result.code, 1);
    assert.match(result.stdout, /cannot read the certificate .*: it is a FIFO \(named pipe\), not a regular file/);
  });

  test('a symbolic link to /dev/zero where the key should be is reported, not read', async (t) => {
    const dir = tempDir(t);
    writeCustomPair(dir);
    execFileSync('rm', [join(dir, 'private-key.pem')]);
    symlinkSync('/dev/zero', join(dir, 'private-key.pem'));
    const result = await runCli(['certs', '--check', '--out-dir', dir], { timeoutMs: 120_000 });
    assert.equal(result.code, 1);
    assert.match(result.stdout, /cannot read the private key .*: it is a device, not a regular file/);
  });

  test('a file over the size cap is reported, not read', async (t) => {
    const dir = tempDir(t);
    writeCustomPair(dir);
    writeFileSync(join(dir, 'public-cert.pem'), Buffer.alloc(2 * 1024 * 1024, 'A'));
    const result = await runCli(['certs', '--check', '--out-dir', dir], { timeoutMs: 120_000 });
    assert.equal(result.code, 1);
    assert.match(result.stdout, /it is 2097152 bytes, more than the 1048576/);
  });
});

/** Whether Node's TLS client completes a handshake with a server using this pair. */
async function nodeClientAccepts(keyPem, certPem) {
  const server = tls.createServer({ key: keyPem, cert: certPem }, (socket) => socket.end());
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    return await new Promise((resolve) => {
      const socket = tls.connect({ port: server.address().port, host: '127.0.0.1', rejectUnauthorized: false }, () => {
        socket.destroy();
        resolve('accepted');
      });
      socket.on('error', (error) => resolve(error.code ?? error.message));
    });
  } finally {
    server.close();
  }
}

describe('certs: many hosts', { timeout: 120_000 }, () => {
  test('more than 1000 --host names is a usage error, before any key is made', async (t) => {
    const dir = tempDir(t);
    const args = ['certs', '--out-dir', join(dir, 'out')];
    for (let i = 0; i < 1001; i++) args.push('--host', `h${i}.test`);
    const result = await runCli(args);
    assertOneLineError(assert, result, 2, /1001 --host names is too many; expected at most 1000/);
    assert.equal(existsSync(join(dir, 'out')), false);
  });

  test('a certificate too large for TLS clients is refused before writing', async (t) => {
    const dir = tempDir(t);
    const args = ['certs', '--out-dir', join(dir, 'out')];
    const label = 'a'.repeat(60);
    for (let i = 0; i < 1000; i++) args.push('--host', `${label}.${label}.h${i}.test`);
    const result = await runCli(args);
    assertOneLineError(assert, result, 2, /TLS clients refuse one over 98304 bytes/);
    assert.equal(existsSync(join(dir, 'out')), false);
  });

  test("--check's too-large verdict agrees with Node's TLS client", async (t) => {
    const dir = tempDir(t);
    // 4500 names: over the limit, made with node-forge since h2-setup refuses to.
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' });
    const cert = forge.pki.createCertificate();
    cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }));
    cert.serialNumber = '01';
    cert.validity.notBefore = new Date(Date.now() - 3600_000);
    cert.validity.notAfter = new Date(Date.now() + 90 * 86400_000);
    cert.setSubject([{ name: 'commonName', value: 'localhost' }]);
    cert.setIssuer([{ name: 'commonName', value: 'localhost' }]);
    const altNames = [
      { type: 2, value: 'localhost' },
      { type: 7, ip: '127.0.0.1' },
      { type: 7, ip: '::1' },
    ];
    for (let i = 0; i < 4500; i++) altNames.push({ type: 2, value: `host${String(i).padStart(6, '0')}.example.test` });
    cert.setExtensions([
      { name: 'basicConstraints', cA: false },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames },
    ]);
    cert.sign(forge.pki.privateKeyFromPem(keyPem), forge.md.sha256.create());
    const certPem = forge.pki.certificateToPem(cert);
    writeFileSync(join(dir, 'private-key.pem'), keyPem, { mode: 0o600 });
    writeFileSync(join(dir, 'public-cert.pem'), certPem);
    const verdict = await nodeClientAccepts(keyPem, certPem);
    assert.notEqual(verdict, 'accepted', "Node's TLS client refuses it");
    const result = await runCli(['certs', '--check', '--json', '--out-dir', dir]);
    assert.equal(result.code, 1);
    assert.ok(JSON.parse(result.stdout).problems.some((problem) => problem.code === 'too-large'));
  });

  test('a certificate for 1000 ordinary names is accepted by Node and by --check', async (t) => {
    const dir = tempDir(t);
    const args = ['certs', '--out-dir', dir, '--host', 'localhost', '--host', '127.0.0.1', '--host', '::1'];
    for (let i = 0; i < 997; i++) args.push('--host', `service-${i}.example.test`);
    assert.equal((await runCli(args)).code, 0);
    assert.equal(await nodeClientAccepts(readFileSync(join(dir, 'private-key.pem')), readFileSync(join(dir, 'public-cert.pem'))), 'accepted');
    const checked = await runCli(['certs', '--check', '--out-dir', dir]);
    assert.equal(checked.code, 0, checked.stdout.slice(-2000));
  });
});

describe('certs: odd input is one line, exit 2, nothing written', { timeout: 180_000 }, () => {
  test('--out-dir on a dangling symbolic link', async (t) => {
    const dir = tempDir(t);
    symlinkSync(join(dir, 'nowhere'), join(dir, 'link'));
    const result = await runCli(['certs', '--out-dir', join(dir, 'link')]);
    assertOneLineError(assert, result, 2, /symbolic link to something missing/);
    assert.deepEqual(readdirSync(dir), ['link']);
  });

  for (const [flag, value] of [
    ['--key', ''],
    ['--key', '.'],
    ['--cert', '..'],
    ['--key', 'sub/'],
  ]) {
    test(`${flag} ${JSON.stringify(value)}`, async (t) => {
      const dir = tempDir(t);
      const result = await runCli(['certs', '--out-dir', join(dir, 'new'), flag, value]);
      assertOneLineError(assert, result, 2, /does not name a file/);
      assert.deepEqual(readdirSync(dir), [], 'no directory left behind');
    });
  }

  test('--host 0x7f.0.0.1 (a numeric last label) is refused', async (t) => {
    const dir = tempDir(t);
    for (const host of ['0x7f.0.0.1', 'app.123', 'a.0x1f']) {
      const result = await runCli(['certs', '--out-dir', dir, '--host', host]);
      assertOneLineError(assert, result, 2, /ends in a numeric label/);
    }
    assert.deepEqual(readdirSync(dir), []);
  });

  test('a two-label wildcard such as *.test is refused', async (t) => {
    const dir = tempDir(t);
    const result = await runCli(['certs', '--out-dir', dir, '--host', '*.test']);
    assertOneLineError(assert, result, 2, /not a valid host name/);
  });

  test('--host bücher.example is encoded as xn--bcher-kva.example (IDNA)', async (t) => {
    const dir = tempDir(t);
    const result = await runCli(['certs', '--out-dir', dir, '--host', 'bücher.example', '--host', '*.Bücher.example', '--json']);
    assert.equal(result.code, 0, result.stderr);
    const cert = new X509Certificate(readFileSync(join(dir, 'public-cert.pem')));
    assert.equal(cert.subjectAltName, 'DNS:xn--bcher-kva.example, DNS:*.xn--bcher-kva.example');
    assert.equal(cert.checkHost('xn--bcher-kva.example'), 'xn--bcher-kva.example');
  });
});

describe('certs under umask 000', { timeout: 180_000 }, () => {
  test('created directories are 0755 at most, 0700 where they hold only the key', async (t) => {
    const dir = tempDir(t);
    const run = spawnSync(
      'sh',
      ['-c', 'umask 000 && exec "$0" "$@"', process.execPath, cliPath, 'certs', '--out-dir', join(dir, 'a', 'b'), '--key', 'keys/private-key.pem'],
      {
        encoding: 'utf8',
      },
    );
    assert.equal(run.status, 0, run.stderr);
    assert.equal(statSync(join(dir, 'a')).mode & 0o777, 0o755);
    assert.equal(statSync(join(dir, 'a', 'b')).mode & 0o777, 0o755);
    assert.equal(statSync(join(dir, 'a', 'b', 'keys')).mode & 0o777, 0o700);
    assert.equal(statSync(join(dir, 'a', 'b', 'keys', 'private-key.pem')).mode & 0o777, 0o600);
  });
});

describe('tests the suite lacked', { timeout: 120_000 }, () => {
  test('--force places a new file: a hard link to the old key keeps the old bytes', async (t) => {
    const dir = tempDir(t);
    assert.equal((await runCli(['certs', '--out-dir', dir])).code, 0);
    const old = readFileSync(join(dir, 'private-key.pem'), 'utf8');
    linkSync(join(dir, 'private-key.pem'), join(dir, 'old-key-link.pem'));
    assert.equal((await runCli(['certs', '--out-dir', dir, '--force'])).code, 0);
    // Writing in place (open + truncate) would have changed the other name's bytes too.
    assert.equal(readFileSync(join(dir, 'old-key-link.pem'), 'utf8'), old);
    assert.notEqual(readFileSync(join(dir, 'private-key.pem'), 'utf8'), old);
  });

  test('--force over a symbolic link replaces the link, not what it points to', async (t) => {
    const dir = tempDir(t);
    const outside = join(dir, 'outside.txt');
    writeFileSync(outside, 'keep me\n');
    const out = join(dir, 'out');
    mkdirSync(out);
    symlinkSync(outside, join(out, 'private-key.pem'));
    assert.equal((await runCli(['certs', '--out-dir', out, '--force'])).code, 0);
    assert.equal(readFileSync(outside, 'utf8'), 'keep me\n');
    assert.ok(lstatSync(join(out, 'private-key.pem')).isFile());
    assert.equal(statSync(join(out, 'private-key.pem')).mode & 0o777, 0o600);
  });

  test('--days 825 passes its own --check (validity counted from the back-dated notBefore)', async (t) => {
    const dir = tempDir(t);
    const made = await runCli(['certs', '--out-dir', dir, '--days', '825', '--json']);
    assert.equal(made.code, 0, made.stderr);
    const summary = JSON.parse(made.stdout);
    assert.equal(Date.parse(summary.notAfter) - Date.parse(summary.notBefore), 825 * 86400_000);
    const checked = await runCli(['certs', '--check', '--out-dir', dir, '--json']);
    assert.equal(checked.code, 0, checked.stdout);
    const report = JSON.parse(checked.stdout).certificate;
    assert.equal(Date.parse(report.notAfter) - Date.parse(report.notBefore), 825 * 86400_000, 'notAfter and notBefore differ in the --check document');
  });

  test('validity-too-long: a pair valid for 826 days', async (t) => {
    const dir = tempDir(t);
    const notBefore = new Date(Date.now() - 3600_000);
    writeCustomPair(dir, { notBefore, notAfter: new Date(notBefore.getTime() + 826 * 86400_000) });
    const result = await runCli(['certs', '--check', '--json', '--out-dir', dir, '--host', 'localhost', '--host', '127.0.0.1']);
    assert.equal(result.code, 1);
    assert.deepEqual(
      JSON.parse(result.stdout).problems.map((problem) => problem.code),
      ['validity-too-long'],
    );
  });

  test('ca-expired: a leaf signed by a CA that has since expired', async (t) => {
    const { root, env } = isolatedCaEnv(t);
    const out = join(root, 'out');
    // A CA valid until one hour from now signs the leaf; --check at a later `now` is not
    // possible from the CLI, so the CA is re-made expired with the same key and name.
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const caKey = forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const name = [{ name: 'commonName', value: 'expired CA' }];
    const makeCa = (notAfter) => {
      const ca = forge.pki.createCertificate();
      ca.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }));
      ca.serialNumber = '02';
      ca.validity.notBefore = new Date('2020-01-01');
      ca.validity.notAfter = notAfter;
      ca.setSubject(name);
      ca.setIssuer(name);
      ca.setExtensions([
        { name: 'basicConstraints', cA: true, critical: true },
        { name: 'keyUsage', keyCertSign: true, critical: true },
        { name: 'subjectKeyIdentifier' },
      ]);
      ca.sign(caKey, forge.md.sha256.create());
      return forge.pki.certificateToPem(ca);
    };
    mkdirSync(out);
    writeCustomPair(out);
    const leafKey = readFileSync(join(out, 'private-key.pem'), 'utf8');
    const leaf = forge.pki.createCertificate();
    leaf.publicKey = forge.pki.setRsaPublicKey(forge.pki.privateKeyFromPem(leafKey).n, forge.pki.privateKeyFromPem(leafKey).e);
    leaf.serialNumber = '03';
    leaf.validity.notBefore = new Date(Date.now() - 3600_000);
    leaf.validity.notAfter = new Date(Date.now() + 90 * 86400_000);
    leaf.setSubject([{ name: 'commonName', value: 'localhost' }]);
    leaf.setIssuer(name);
    leaf.setExtensions([
      { name: 'basicConstraints', cA: false },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
        ],
      },
    ]);
    leaf.sign(caKey, forge.md.sha256.create());
    writeFileSync(join(out, 'public-cert.pem'), forge.pki.certificateToPem(leaf));
    writeFileSync(join(out, 'ca-cert.pem'), makeCa(new Date('2021-01-01')));
    const result = await runCli(['certs', '--check', '--json', '--out-dir', out], { env });
    assert.equal(result.code, 1, result.stdout);
    assert.deepEqual(
      JSON.parse(result.stdout).problems.map((problem) => problem.code),
      ['ca-expired'],
    );
  });
});
