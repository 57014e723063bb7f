import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { copyFileSync, readdirSync, readFileSync, statSync } from 'node:fs';
import http2 from 'node:http2';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { isolatedCaEnv } from '../helpers/ca-env.mjs';
import { assertOneLineError, runCli, tempDir } from '../helpers/cli.mjs';
import { realClients } from '../helpers/real-clients.mjs';

describe('certs --ca: a local development CA', { timeout: 120_000 }, () => {
  test('creates the CA on first use, signs the leaf with it and writes ca-cert.pem beside the pair', async (t) => {
    const { root, env } = isolatedCaEnv(t);
    const out = join(root, 'out');
    const result = await runCli(['certs', '--ca', '--out-dir', out, '--json'], { env });
    assert.equal(result.code, 0, result.stderr);
    const summary = JSON.parse(result.stdout);
    assert.equal(summary.ca.created, true);
    assert.equal(summary.ca.directory, env.H2_SETUP_CAROOT);
    assert.equal(summary.trust.caOption.includes('ca-cert.pem'), true);
    assert.deepEqual(readdirSync(out).sort(), ['ca-cert.pem', 'private-key.pem', 'public-cert.pem']);
    assert.deepEqual(readdirSync(env.H2_SETUP_CAROOT).sort(), ['rootCA-key.pem', 'rootCA.pem']);
    const keyMode = statSync(join(env.H2_SETUP_CAROOT, 'rootCA-key.pem')).mode & 0o777;
    assert.ok(keyMode === 0o400 || keyMode === 0o600, keyMode.toString(8));
    assert.doesNotMatch(readFileSync(join(out, 'ca-cert.pem'), 'utf8'), /PRIVATE KEY/);
    assert.equal(readFileSync(join(out, 'ca-cert.pem'), 'utf8'), readFileSync(join(env.H2_SETUP_CAROOT, 'rootCA.pem'), 'utf8'));

    const ca = new X509Certificate(readFileSync(join(out, 'ca-cert.pem')));
    const leaf = new X509Certificate(readFileSync(join(out, 'public-cert.pem')));
    assert.equal(ca.ca, true);
    assert.equal(leaf.ca, false);
    assert.ok(leaf.checkIssued(ca));
    assert.ok(leaf.verify(ca.publicKey));
    assert.equal(ca.publicKey.asymmetricKeyDetails.modulusLength, 3072);
    const years = (Date.parse(ca.validTo) - Date.parse(ca.validFrom)) / (365.25 * 86400_000);
    assert.ok(years > 9.9 && years < 10.1, `${years} years`);
  });

  test('openssl verify passes, and the CA and leaf carry the required extensions', async (t) => {
    if (!realClients(t, ['openssl'])) return;
    const { root, env } = isolatedCaEnv(t);
    const out = join(root, 'out');
    assert.equal((await runCli(['certs', '--ca', '--out-dir', out], { env })).code, 0);
    const verified = spawnSync('openssl', ['verify', '-CAfile', join(out, 'ca-cert.pem'), join(out, 'public-cert.pem')], { encoding: 'utf8' });
    assert.equal(verified.status, 0, verified.stderr);
    assert.match(verified.stdout, /public-cert\.pem: OK/);
    const caText = execFileSync('openssl', ['x509', '-in', join(out, 'ca-cert.pem'), '-noout', '-text'], { encoding: 'utf8' });
    assert.match(caText, /X509v3 Basic Constraints: critical\n\s+CA:TRUE, pathlen:0/);
    assert.match(caText, /X509v3 Key Usage: critical\n\s+Certificate Sign, CRL Sign/);
    const ski = caText.match(/X509v3 Subject Key Identifier: \n\s+([0-9A-F:]+)/)[1];
    const leafText = execFileSync('openssl', ['x509', '-in', join(out, 'public-cert.pem'), '-noout', '-text'], { encoding: 'utf8' });
    assert.match(leafText, /CA:FALSE/);
    assert.match(leafText, /TLS Web Server Authentication/);
    assert.equal(leafText.match(/X509v3 Authority Key Identifier: \n\s+(?:keyid:)?([0-9A-F:]+)/)[1], ski);
    // Names are UTF8String: a PrintableString cannot hold the '@' of user@host, and
    // Chromium rejects such a certificate (ERR_SSL_SERVER_CERT_BAD_FORMAT).
    for (const file of ['ca-cert.pem', 'public-cert.pem']) {
      const parsed = execFileSync('openssl', ['asn1parse', '-in', join(out, file)], { encoding: 'utf8' });
      assert.doesNotMatch(parsed, /PRINTABLESTRING/, file);
      assert.match(parsed, /UTF8STRING\s+:h2-setup development CA /, file);
    }
  });

  test('later runs reuse the CA; runs started together make one CA', async (t) => {
    const { root, env } = isolatedCaEnv(t);
    const results = await Promise.all([0, 1, 2].map((i) => runCli(['certs', '--ca', '--out-dir', join(root, `out${i}`), '--json'], { env })));
    for (const result of results) assert.equal(result.code, 0, result.stderr);
    const fingerprints = new Set(results.map((result) => JSON.parse(result.stdout).ca.fingerprintSha256));
    assert.equal(fingerprints.size, 1, 'one CA for all three');
    assert.equal(results.filter((result) => JSON.parse(result.stdout).ca.created).length, 1);
    const again = JSON.parse((await runCli(['certs', '--ca', '--out-dir', join(root, 'out3'), '--json'], { env })).stdout);
    assert.equal(again.ca.created, false);
    assert.ok(fingerprints.has(again.ca.fingerprintSha256));
  });

  test('--check understands a CA-signed pair, and notices a CA that did not sign it', async (t) => {
    const { root, env } = isolatedCaEnv(t);
    const out = join(root, 'out');
    await runCli(['certs', '--ca', '--out-dir', out], { env });
    const good = await runCli(['certs', '--check', '--out-dir', out, '--json'], { env });
    assert.equal(good.code, 0, good.stdout);
    assert.equal(JSON.parse(good.stdout).certificate.signedBy, join(out, 'ca-cert.pem'));

    // Another user's CA (another CAROOT) put beside the pair: same name, different key.
    const other = isolatedCaEnv(t);
    const otherOut = join(other.root, 'out');
    await runCli(['certs', '--ca', '--out-dir', otherOut], { env: other.env });
    copyFileSync(join(otherOut, 'ca-cert.pem'), join(out, 'ca-cert.pem'));
    const bad = await runCli(['certs', '--check', '--out-dir', out, '--json'], { env });
    assert.equal(bad.code, 1);
    const badResult = JSON.parse(bad.stdout);
    assert.deepEqual(
      badResult.problems.map((p) => p.code),
      ['ca-mismatch'],
    );
    assert.equal(badResult.certificate.signedBy, join(env.H2_SETUP_CAROOT, 'rootCA.pem'), 'still found the real issuer in the CA directory');

    // And with no CA directory either, the issuer is unknown.
    const unknown = await runCli(['certs', '--check', '--out-dir', out, '--json'], { env: { ...env, H2_SETUP_CAROOT: join(root, 'empty') } });
    assert.equal(unknown.code, 1);
    assert.deepEqual(
      JSON.parse(unknown.stdout).problems.map((p) => p.code),
      ['ca-mismatch', 'unknown-issuer'],
    );
  });

  test("Node's http2 client trusts a CA-signed server through ca: ca-cert.pem", async (t) => {
    const { root, env } = isolatedCaEnv(t);
    const out = join(root, 'out');
    await runCli(['certs', '--ca', '--out-dir', out], { env });
    const server = http2.createSecureServer({ key: readFileSync(join(out, 'private-key.pem')), cert: readFileSync(join(out, 'public-cert.pem')) });
    server.on('stream', (stream) => stream.respond({ ':status': 204 }, { endStream: true }));
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = http2.connect(`https://localhost:${server.address().port}`, {
      ca: readFileSync(join(out, 'ca-cert.pem')),
      lookup: (_h, o, cb) => (o?.all ? cb(null, [{ address: '127.0.0.1', family: 4 }]) : cb(null, '127.0.0.1', 4)),
    });
    let status;
    try {
      status = await new Promise((resolve, reject) => {
        client.on('error', reject);
        const req = client.request({ ':path': '/' });
        req.on('response', (headers) => resolve(headers[':status']));
        req.on('error', reject);
        req.end();
      });
    } finally {
      client.close();
      await new Promise((resolve) => server.close(resolve));
    }
    assert.equal(status, 204);
  });
});

describe('certs --install-ca / --uninstall-ca', { timeout: 120_000 }, () => {
  test('installs into a new NSS database in HOME, says so, and removes it again', async (t) => {
    if (!realClients(t, ['certutil'])) return;
    const { home, env } = isolatedCaEnv(t);
    const installed = await runCli(['certs', '--install-ca', '--json'], { env });
    assert.equal(installed.code, 0, installed.stderr);
    const result = JSON.parse(installed.stdout);
    assert.equal(result.caCreated, true);
    assert.deepEqual(
      result.actions.map((a) => a.status),
      ['installed'],
    );
    assert.match(result.actions[0].store, /\.pki\/nssdb \(created\)/);
    assert.match(result.nodeExtraCaCerts, /^NODE_EXTRA_CA_CERTS=/);
    const listed = execFileSync('certutil', ['-d', `sql:${join(home, '.pki', 'nssdb')}`, '-L'], { encoding: 'utf8' });
    assert.match(listed, /h2-setup development CA [0-9a-f]+\s+C,,/);

    const again = await runCli(['certs', '--install-ca'], { env });
    assert.equal(again.code, 0);
    assert.match(again.stdout, /already in nss/);
    assert.match(again.stdout, /NODE_EXTRA_CA_CERTS=/);

    const removed = await runCli(['certs', '--uninstall-ca', '--json'], { env });
    assert.equal(removed.code, 0, removed.stderr);
    assert.deepEqual(
      JSON.parse(removed.stdout).actions.map((a) => a.status),
      ['removed'],
    );
    assert.doesNotMatch(execFileSync('certutil', ['-d', `sql:${join(home, '.pki', 'nssdb')}`, '-L'], { encoding: 'utf8' }), /h2-setup development CA/);
  });

  test('says what it skipped and the command to run when certutil is missing', async (t) => {
    const { env } = isolatedCaEnv(t);
    const result = await runCli(['certs', '--install-ca'], { env: { ...env, PATH: '/nonexistent' } });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /skipped nss .*certutil was not found/);
    assert.match(result.stdout, /instead, run: install it \(Debian\/Ubuntu: apt-get install libnss3-tools/);
  });

  test('--uninstall-ca with no CA changes nothing', async (t) => {
    const { env } = isolatedCaEnv(t);
    const result = await runCli(['certs', '--uninstall-ca'], { env });
    assert.equal(result.code, 0);
    assert.match(result.stdout, /nothing to uninstall/);
    assert.throws(() => statSync(env.H2_SETUP_CAROOT));
  });

  test('bad input: an unknown trust store, or conflicting flags', async (t) => {
    const { env } = isolatedCaEnv(t);
    assertOneLineError(
      assert,
      await runCli(['certs', '--install-ca'], { env: { ...env, H2_SETUP_TRUST_STORES: 'java' } }),
      2,
      /unknown store "java".*nss, system/,
    );
    assert.throws(() => statSync(env.H2_SETUP_CAROOT), 'no CA made');
    const dir = tempDir(t);
    assertOneLineError(assert, await runCli(['certs', '--install-ca', '--uninstall-ca'], { env, cwd: dir }), 2, /cannot be used with/);
    assertOneLineError(assert, await runCli(['certs', '--check', '--ca'], { env, cwd: dir }), 2, /cannot be used with/);
    assert.deepEqual(readdirSync(dir), []);
  });
});
