import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, createPrivateKey, X509Certificate } from 'node:crypto';
import { chmodSync, copyFileSync, lstatSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { assertOneLineError, cliPath, runCli, tempDir } from '../helpers/cli.mjs';
import { writeCustomPair } from '../helpers/make-cert.mjs';
import { realClients } from '../helpers/real-clients.mjs';
import { snapshot } from '../helpers/snapshot.mjs';

function _sha256(path) {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** Every file below dir with its content hash and mode: "nothing changed" is equality. */
function openssl(args) {
  return execFileSync('openssl', args, { encoding: 'utf8' });
}

// Suite limits bound a hang, not a busy machine: 180 s, far above a normal run.
describe('certs: a new pair', { timeout: 180_000 }, () => {
  test('writes a matching PKCS#8 key (0600) and an X.509 v3 certificate with the modern leaf profile', async (t) => {
    const dir = tempDir(t);
    const result = await runCli(['certs', '--out-dir', dir]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, '');
    const keyPath = join(dir, 'private-key.pem');
    const certPath = join(dir, 'public-cert.pem');
    assert.equal(statSync(keyPath).mode & 0o777, 0o600);
    const keyPem = readFileSync(keyPath, 'utf8');
    assert.match(keyPem, /^-----BEGIN PRIVATE KEY-----\n/);
    assert.doesNotMatch(keyPem, /\r/);
    assert.ok(!result.stdout.includes(keyPem.split('\n')[1]), 'the key is never printed');
    assert.deepEqual(readdirSync(dir).sort(), ['private-key.pem', 'public-cert.pem'], 'no temporary files left');

    const cert = new X509Certificate(readFileSync(certPath));
    assert.ok(cert.checkPrivateKey(createPrivateKey(keyPem)), 'key and certificate match');
    assert.equal(cert.subjectAltName, 'DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
    const notBefore = Date.parse(cert.validFrom);
    const notAfter = Date.parse(cert.validTo);
    assert.ok(notBefore < Date.now() - 60_000, 'notBefore is back-dated for clock skew');
    assert.ok(notBefore > Date.now() - 2 * 86400_000, 'but only slightly');
    assert.equal(Math.round((notAfter - notBefore) / 86400_000), 365);
    assert.match(result.stdout, /private-key\.pem/);
    assert.match(result.stdout, /SHA-256 +([0-9A-F]{2}:){31}[0-9A-F]{2}/);
    assert.ok(result.stdout.includes(cert.fingerprint256), 'prints the real fingerprint');
    assert.match(result.stdout, /ca: fs\.readFileSync/);
    assert.match(result.stdout, /NODE_EXTRA_CA_CERTS=/);
  });

  test('openssl reads back every field', async (t) => {
    if (!realClients(t, ['openssl'])) return;
    const dir = tempDir(t);
    const result = await runCli(['certs', '--out-dir', dir, '--host', 'app.test', '--host', '10.1.2.3', '--host', '::1', '--days', '30', '--bits', '3072']);
    assert.equal(result.code, 0, result.stderr);
    const certPath = join(dir, 'public-cert.pem');
    const text = openssl(['x509', '-in', certPath, '-noout', '-text']);
    assert.match(text, /Version: 3 \(0x2\)/);
    assert.match(text, /Signature Algorithm: sha256WithRSAEncryption/);
    assert.match(text, /Public-Key: \(3072 bit\)/);
    assert.match(text, /Subject: CN = app\.test/);
    assert.match(text, /X509v3 Basic Constraints: critical\n\s+CA:FALSE/);
    assert.match(text, /X509v3 Key Usage: critical\n\s+Digital Signature, Key Encipherment/);
    assert.match(text, /X509v3 Extended Key Usage: \n?\s*TLS Web Server Authentication/);
    assert.match(text, /DNS:app\.test, IP Address:10\.1\.2\.3, IP Address:0:0:0:0:0:0:0:1/);
    const serial = openssl(['x509', '-in', certPath, '-noout', '-serial']).trim().replace('serial=', '');
    assert.ok(serial.length >= 16, `serial has at least 64 bits: ${serial}`);
    assert.ok(parseInt(serial[0], 16) < 8, 'serial is positive');
    const dates = openssl(['x509', '-in', certPath, '-noout', '-startdate', '-enddate']);
    const [start, end] = dates
      .trim()
      .split('\n')
      .map((line) => Date.parse(line.split('=')[1]));
    assert.equal(Math.round((end - start) / 86400_000), 30);
    // The key matches: same public key from both files.
    const fromKey = openssl(['pkey', '-in', join(dir, 'private-key.pem'), '-pubout']);
    const fromCert = openssl(['x509', '-in', certPath, '-noout', '-pubkey']);
    assert.equal(fromKey, fromCert);
  });

  test('IPv6 hosts are kept in one spelling, IPv4-mapped ones included', async (t) => {
    const dir = tempDir(t);
    const result = await runCli([
      'certs',
      '--out-dir',
      dir,
      '--host',
      'localhost',
      '--host',
      '0:0:0:0:0:0:0:1',
      '--host',
      '::1',
      '--host',
      '[::ffff:127.0.0.1]',
      '--json',
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(
      JSON.parse(result.stdout).hosts.map((host) => host.value),
      ['localhost', '::1', '::ffff:7f00:1'],
    );
    const cert = new X509Certificate(readFileSync(join(dir, 'public-cert.pem')));
    assert.ok(cert.checkIP('::ffff:127.0.0.1'));
  });

  test('two runs make different serials and keys', async (t) => {
    const a = tempDir(t);
    const b = tempDir(t);
    const [ra, rb] = await Promise.all([runCli(['certs', '--out-dir', a, '--json']), runCli(['certs', '--out-dir', b, '--json'])]);
    const ja = JSON.parse(ra.stdout);
    const jb = JSON.parse(rb.stdout);
    assert.notEqual(ja.serial, jb.serial);
    assert.notEqual(ja.fingerprintSha256, jb.fingerprintSha256);
  });

  test('--json prints one document describing the pair, without the key', async (t) => {
    const dir = tempDir(t);
    const result = await runCli(['certs', '--out-dir', dir, '--host', 'localhost', '--json']);
    assert.equal(result.code, 0, result.stderr);
    const json = JSON.parse(result.stdout);
    assert.equal(json.keyPath, join(dir, 'private-key.pem'));
    assert.equal(json.certPath, join(dir, 'public-cert.pem'));
    assert.deepEqual(json.hosts, [{ kind: 'dns', value: 'localhost' }]);
    assert.equal(json.bits, 2048);
    assert.equal(json.days, 365);
    assert.equal(json.fingerprintSha256, new X509Certificate(readFileSync(json.certPath)).fingerprint256);
    assert.match(json.trust.caOption, /ca: fs\.readFileSync/);
    assert.doesNotMatch(result.stdout, /PRIVATE KEY/);
  });

  test('--key and --cert name the files; a missing --out-dir is created', async (t) => {
    const dir = tempDir(t);
    const out = join(dir, 'nested dir', 'cérts');
    const result = await runCli(['certs', '--out-dir', out, '--key', 'server.key', '--cert', 'server.crt']);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(readdirSync(out).sort(), ['server.crt', 'server.key']);
    assert.equal(statSync(join(out, 'server.key')).mode & 0o777, 0o600);
  });
});

describe('certs: existing files', { timeout: 180_000 }, () => {
  test('refuses to overwrite without --force and changes nothing', async (t) => {
    const dir = tempDir(t);
    assert.equal((await runCli(['certs', '--out-dir', dir])).code, 0);
    const before = snapshot(dir);
    const result = await runCli(['certs', '--out-dir', dir]);
    assertOneLineError(assert, result, 2, /already exist.*--force/);
    assert.deepEqual(snapshot(dir), before);
  });

  test('refuses when only one of the two files exists', async (t) => {
    const dir = tempDir(t);
    writeFileSync(join(dir, 'public-cert.pem'), 'mine');
    const result = await runCli(['certs', '--out-dir', dir]);
    assertOneLineError(assert, result, 2, /public-cert\.pem already exists/);
    assert.deepEqual(readdirSync(dir), ['public-cert.pem']);
    assert.equal(readFileSync(join(dir, 'public-cert.pem'), 'utf8'), 'mine');
  });

  test('--force replaces both, and the new key is 0600 even over a 0644 file', async (t) => {
    const dir = tempDir(t);
    assert.equal((await runCli(['certs', '--out-dir', dir])).code, 0);
    const oldFingerprint = new X509Certificate(readFileSync(join(dir, 'public-cert.pem'))).fingerprint256;
    chmodSync(join(dir, 'private-key.pem'), 0o644);
    const result = await runCli(['certs', '--out-dir', dir, '--force']);
    assert.equal(result.code, 0, result.stderr);
    const cert = new X509Certificate(readFileSync(join(dir, 'public-cert.pem')));
    assert.notEqual(cert.fingerprint256, oldFingerprint);
    assert.equal(statSync(join(dir, 'private-key.pem')).mode & 0o777, 0o600);
    assert.ok(cert.checkPrivateKey(createPrivateKey(readFileSync(join(dir, 'private-key.pem')))));
  });
});

describe('certs --check', { timeout: 180_000 }, () => {
  test('a fresh pair passes', async (t) => {
    const dir = tempDir(t);
    await runCli(['certs', '--out-dir', dir]);
    const result = await runCli(['certs', '--check', '--out-dir', dir]);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /^OK:/m);
    const json = JSON.parse((await runCli(['certs', '--check', '--out-dir', dir, '--json'])).stdout);
    assert.equal(json.ok, true);
    assert.deepEqual(json.problems, []);
  });

  test('an expired pair', async (t) => {
    const dir = tempDir(t);
    writeCustomPair(dir, { notBefore: new Date('2024-01-01T00:00:00Z'), notAfter: new Date('2024-06-01T00:00:00Z') });
    const result = await runCli(['certs', '--check', '--out-dir', dir, '--host', 'localhost']);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /expired on 2024-06-01/);
    const json = JSON.parse((await runCli(['certs', '--check', '--out-dir', dir, '--host', 'localhost', '--json'])).stdout);
    assert.deepEqual(
      json.problems.map((p) => p.code),
      ['expired'],
    );
    // The fix is a command that remakes this very pair: same directory, every host it had.
    const command = /`(h2-setup certs [^`]+)`/.exec(json.problems[0].fix)[1];
    assert.equal(command, `h2-setup certs --force --out-dir ${dir} --host localhost --host 127.0.0.1`);
    const remade = spawnSync('sh', ['-c', command.replace(/^h2-setup/, `"${process.execPath}" "${cliPath}"`)], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(remade.status, 0, remade.stderr);
    assert.equal((await runCli(['certs', '--check', '--out-dir', dir, '--host', 'localhost'])).code, 0);
  });

  test('a pair that is not yet valid, or is due for renewal (a third of its lifetime, at most 30 days, left)', async (t) => {
    const future = tempDir(t);
    writeCustomPair(future, { notBefore: new Date(Date.now() + 5 * 86400_000), notAfter: new Date(Date.now() + 60 * 86400_000) });
    const a = await runCli(['certs', '--check', '--out-dir', future, '--host', 'localhost', '--json']);
    assert.equal(a.code, 1);
    assert.deepEqual(
      JSON.parse(a.stdout).problems.map((p) => p.code),
      ['not-yet-valid'],
    );
    // A third of the lifetime, at most 30 days: a 90-day certificate with 10 days left is due; a fresh --days 10 one is not.
    const soon = tempDir(t);
    writeCustomPair(soon, { notBefore: new Date(Date.now() - 80 * 86400_000), notAfter: new Date(Date.now() + 10 * 86400_000) });
    const b = await runCli(['certs', '--check', '--out-dir', soon, '--host', 'localhost']);
    assert.equal(b.code, 1);
    assert.match(b.stdout, /expires in 9 days/);
    const fresh = tempDir(t);
    assert.equal((await runCli(['certs', '--out-dir', fresh, '--days', '10'])).code, 0);
    assert.equal((await runCli(['certs', '--check', '--out-dir', fresh])).code, 0);
  });

  test('a mismatched pair', async (t) => {
    const a = tempDir(t);
    const b = tempDir(t);
    await Promise.all([runCli(['certs', '--out-dir', a]), runCli(['certs', '--out-dir', b])]);
    copyFileSync(join(b, 'private-key.pem'), join(a, 'private-key.pem'));
    const result = await runCli(['certs', '--check', '--out-dir', a, '--json']);
    assert.equal(result.code, 1);
    assert.deepEqual(
      JSON.parse(result.stdout).problems.map((p) => p.code),
      ['mismatch'],
    );
  });

  test('a certificate without subjectAltName, signed with SHA-1, without serverAuth', async (t) => {
    const dir = tempDir(t);
    writeCustomPair(dir, { san: false, sha1: true, serverAuth: false });
    const result = await runCli(['certs', '--check', '--out-dir', dir]);
    assert.equal(result.code, 1);
    const lines = result.stdout.split('\n').filter((line) => line.startsWith('  - '));
    assert.equal(lines.length, 3, result.stdout);
    assert.match(result.stdout, /no subjectAltName/);
    assert.match(result.stdout, /signed with sha1WithRSAEncryption/);
    assert.match(result.stdout, /no extendedKeyUsage serverAuth/);
  });

  test('a host the subjectAltName does not cover', async (t) => {
    const dir = tempDir(t);
    await runCli(['certs', '--out-dir', dir, '--host', 'localhost']);
    const result = await runCli(['certs', '--check', '--out-dir', dir, '--host', 'localhost', '--host', '127.0.0.1', '--json']);
    assert.equal(result.code, 1);
    const problems = JSON.parse(result.stdout).problems;
    assert.deepEqual(
      problems.map((p) => p.code),
      ['host-not-covered'],
    );
    assert.match(problems[0].message, /^127\.0\.0\.1 is not in/);
  });

  test("the tutorial's certificate: expired, weak, no SAN, and not matching a fresh key", async (t) => {
    const dir = tempDir(t);
    await runCli(['certs', '--out-dir', dir]);
    copyFileSync(new URL('../fixtures/tutorial-cert.pem', import.meta.url), join(dir, 'public-cert.pem'));
    const result = await runCli(['certs', '--check', '--out-dir', dir, '--json']);
    assert.equal(result.code, 1);
    const codes = JSON.parse(result.stdout).problems.map((p) => p.code);
    for (const code of ['mismatch', 'expired', 'weak-key', 'no-san']) assert.ok(codes.includes(code), `${code} in ${codes}`);
    const text = await runCli(['certs', '--check', '--out-dir', dir]);
    assert.match(text.stdout, /RSA-1024/);
    assert.match(text.stdout, /expired on 2020-10-09/);
  });

  test('missing and non-PEM files are reported, exit 1', async (t) => {
    const dir = tempDir(t);
    const missing = await runCli(['certs', '--check', '--out-dir', dir]);
    assert.equal(missing.code, 1);
    assert.match(missing.stdout, /cannot read the private key .*no such file/);
    assert.match(missing.stdout, /cannot read the certificate .*no such file/);
    writeFileSync(join(dir, 'private-key.pem'), 'not a key');
    writeFileSync(join(dir, 'public-cert.pem'), 'hello');
    const garbage = await runCli(['certs', '--check', '--out-dir', dir]);
    assert.equal(garbage.code, 1);
    assert.match(garbage.stdout, /is not a PEM private key/);
    assert.match(garbage.stdout, /is not a PEM certificate/);
    assert.equal(garbage.stderr, '');
  });
});

describe('certs: bad input exits 2 with one line and writes nothing', { timeout: 180_000 }, () => {
  const cases = [
    [['--days', '0'], /--days "0".*1 to 825/],
    [['--days', '-5'], /--days "-5".*1 to 825/],
    [['--days', 'abc'], /--days "abc".*1 to 825/],
    [['--days', '826'], /--days "826".*1 to 825/],
    [['--days', '1.5'], /--days "1\.5"/],
    [['--bits', '1024'], /--bits "1024".*2048, 3072, 4096/],
    [['--bits', 'big'], /--bits "big".*2048, 3072, 4096/],
    [['--host', ''], /--host is empty; expected a DNS name/],
    [['--host', '300.1.1.1'], /"300\.1\.1\.1" is not a valid IP address/],
    [['--host', 'bad_name!'], /"bad_name!" is not a valid host name/],
    [['--host', '-leading.test'], /not a valid host name/],
    [['--host', '1::2::3'], /not a valid IP address/],
    [['--host', 'fe80::1%eth0'], /zone index .*expected the address without it, e\.g\. fe80::1/],
    [['--bits', '0x800'], /--bits "0x800".*2048, 3072, 4096/],
    [['--bits', '2.048e3'], /--bits "2\.048e3"/],
    [['--check', '--days', 'abc'], /'--check' cannot be used with option '--days/],
    [['--check', '--bits', '4096'], /'--check' cannot be used with option '--bits/],
    [['--install-ca', '--host', 'localhost'], /'--install-ca' cannot be used with option '--(out-dir|host)/],
    [['--uninstall-ca', '--days', '3'], /'--uninstall-ca' cannot be used with option '--(out-dir|days)/],
    [['--frobnicate'], /unknown option '--frobnicate'/],
    [['--days'], /option '--days <n>' argument missing/],
  ];
  for (const [args, pattern] of cases) {
    test(`certs ${args.join(' ')}`, async (t) => {
      const dir = tempDir(t);
      const result = await runCli(['certs', '--out-dir', dir, ...args]);
      assertOneLineError(assert, result, 2, pattern);
      assert.equal(result.stdout, '');
      assert.deepEqual(readdirSync(dir), []);
    });
  }

  test('an --out-dir under a file', async (t) => {
    const dir = tempDir(t);
    writeFileSync(join(dir, 'afile'), 'x');
    const result = await runCli(['certs', '--out-dir', join(dir, 'afile', 'sub')]);
    assertOneLineError(assert, result, 2, /is under .*afile.*which is a file/);
    assert.deepEqual(readdirSync(dir), ['afile']);
    const direct = await runCli(['certs', '--out-dir', join(dir, 'afile')]);
    assertOneLineError(assert, direct, 2, /is a file, not a directory/);
  });

  test('a dangling symbolic link where the key goes counts as existing', async (t) => {
    const dir = tempDir(t);
    symlinkSync('nowhere.pem', join(dir, 'private-key.pem'));
    const result = await runCli(['certs', '--out-dir', dir]);
    assertOneLineError(assert, result, 2, /private-key\.pem already exists.*--force/);
    assert.equal(lstatSync(join(dir, 'private-key.pem')).isSymbolicLink(), true);
    assert.deepEqual(readdirSync(dir), ['private-key.pem']);
  });

  test('--key and --cert naming the same file', async (t) => {
    const dir = tempDir(t);
    const result = await runCli(['certs', '--out-dir', dir, '--key', 'x.pem', '--cert', 'x.pem']);
    assertOneLineError(assert, result, 2, /same file/);
    assert.deepEqual(readdirSync(dir), []);
  });

  test('an unknown command', async () => {
    const result = await runCli(['cert']);
    assertOneLineError(assert, result, 2, /unknown command 'cert'/);
  });
});

describe('certs: --help', () => {
  test('shows the flags and an example', async () => {
    const result = await runCli(['certs', '--help']);
    assert.equal(result.code, 0);
    for (const flag of ['--out-dir', '--host', '--days', '--bits', '--key', '--cert', '--force', '--check', '--json'])
      assert.ok(result.stdout.includes(flag), flag);
    assert.match(result.stdout, /Examples:\n\s+h2-setup certs/);
  });
});

test('the printed NODE_EXTRA_CA_CERTS line is safe to paste into a shell, whatever the path', async (t) => {
  const dir = tempDir(t);
  const out = join(dir, "it's $(touch PWNED) `touch PWNED2` dir");
  const result = await runCli(['certs', '--out-dir', out, '--json'], { cwd: dir });
  assert.equal(result.code, 0, result.stderr);
  const line = JSON.parse(result.stdout).trust.environment;
  const printed = spawnSync('sh', ['-c', line.replace(/ node your-client\.js$/, ' printenv NODE_EXTRA_CA_CERTS')], { cwd: dir, encoding: 'utf8' });
  assert.equal(printed.stdout, `${join(out, 'public-cert.pem')}\n`);
  assert.deepEqual(readdirSync(dir), [readdirSync(dir).find((name) => name.startsWith('it'))], 'nothing was executed');
});
