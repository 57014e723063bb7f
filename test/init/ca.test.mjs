// h2-setup init --ca: a TLS project whose certificate is signed by the local
// development CA and whose client trusts ca-cert.pem. Every run that can reach the
// CA gets isolatedCaEnv, so the real CA directory and trust stores are never touched.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, test } from 'node:test';
import { isolatedCaEnv } from '../helpers/ca-env.mjs';
import { assertOneLineError, runCli, tempDir } from '../helpers/cli.mjs';

describe('init --ca', { timeout: 120_000 }, () => {
  test('--tls --ca --yes: the leaf is signed by the local CA, the client trusts ca-cert.pem, and verify passes', async (t) => {
    const { root, env } = isolatedCaEnv(t);
    const cwd = tempDir(t);
    const result = await runCli(['init', 'demo', '--tls', '--ca', '--yes', '--json'], { cwd, env, timeoutMs: 60_000 });
    assert.equal(result.code, 0, result.stderr);
    const doc = JSON.parse(result.stdout);
    assert.equal(doc.ok, true);
    assert.equal(doc.transport, 'tls');
    assert.equal(doc.ca, true);
    assert.equal(doc.verify.passed, true, doc.verify.reason);

    const dir = join(cwd, 'demo');
    assert.deepEqual(doc.files.map((file) => relative(dir, file)).sort(), [
      '.gitignore',
      'README.md',
      'ca-cert.pem',
      'index.ts',
      'package.json',
      'private-key.pem',
      'public-cert.pem',
      'serve.ts',
      'tsconfig.json',
    ]);
    assert.deepEqual(readdirSync(dir).sort(), [
      '.gitignore',
      'README.md',
      'ca-cert.pem',
      'index.ts',
      'package.json',
      'private-key.pem',
      'public-cert.pem',
      'serve.ts',
      'tsconfig.json',
    ]);

    // The CA was made in the isolated CA root, never in the project or the real one.
    assert.equal(doc.certificates.ca.directory, env.H2_SETUP_CAROOT);
    assert.equal(doc.certificates.ca.created, true);
    assert.equal(doc.certificates.ca.certPath, join(dir, 'ca-cert.pem'));
    assert.ok(env.H2_SETUP_CAROOT.startsWith(root));
    assert.equal(readFileSync(join(dir, 'ca-cert.pem'), 'utf8'), readFileSync(join(env.H2_SETUP_CAROOT, 'rootCA.pem'), 'utf8'));
    assert.doesNotMatch(readFileSync(join(dir, 'ca-cert.pem'), 'utf8'), /PRIVATE KEY/);

    const ca = new X509Certificate(readFileSync(join(dir, 'ca-cert.pem')));
    const leaf = new X509Certificate(readFileSync(join(dir, 'public-cert.pem')));
    assert.equal(ca.ca, true);
    assert.equal(leaf.ca, false);
    assert.ok(leaf.checkIssued(ca), 'the CA issued the leaf');
    assert.ok(leaf.verify(ca.publicKey), "the leaf's signature verifies with the CA's public key");
    assert.equal(doc.certificates.ca.fingerprintSha256, ca.fingerprint256);

    const index = readFileSync(join(dir, 'index.ts'), 'utf8');
    assert.match(index, /^const TRUSTED_CERT_FILE = 'ca-cert\.pem';$/m);
    assert.match(index, /ca: fs\.readFileSync\(TRUSTED_CERT_FILE\)/);
    assert.match(index, /cert: fs\.readFileSync\('public-cert\.pem'\)/, 'the server still presents the leaf');
    assert.doesNotMatch(index.replace(/^\s*\/\/.*$/gm, ''), /rejectUnauthorized/);

    const readme = readFileSync(join(dir, 'README.md'), 'utf8');
    assert.doesNotMatch(readme, /\{\{\w+\}\}/, 'every placeholder filled');
    assert.match(readme, /local development CA/);
    assert.match(readme, /h2-setup(\.cjs)? certs --install-ca/);
    assert.match(readme, /`ca-cert\.pem`/);
    assert.match(readme, /h2-setup(\.cjs)? certs --ca --force/);
    assert.doesNotMatch(readme, /npx/, 'never sends anyone to the registry');
  });

  test('--ca alone implies --tls, reuses the existing CA, and the text report shows it', async (t) => {
    const { env } = isolatedCaEnv(t);
    const cwd = tempDir(t);
    const first = await runCli(['init', 'one', '--ca', '--yes', '--no-verify', '--json'], { cwd, env });
    assert.equal(first.code, 0, first.stderr);
    const firstDoc = JSON.parse(first.stdout);
    assert.equal(firstDoc.transport, 'tls');

    const second = await runCli(['init', 'two', '--template', 'example-2', '--ca', '--yes', '--no-verify'], { cwd, env });
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /TLS, ALPN h2/);
    assert.match(second.stdout, /^CA-signed certificate for localhost, 127\.0\.0\.1, ::1/m);
    assert.match(second.stdout, /^ {2}signed by {5}CN=h2-setup development CA /m);
    assert.doesNotMatch(second.stdout, /created now/, 'the CA made by the first run is reused');
    assert.match(second.stdout, /^ {2}CA cert {7}ca-cert\.pem/m);
    assert.match(second.stdout, /^ {2}ca-cert\.pem$/m, 'listed with the files written');
    assert.match(second.stdout, /h2-setup(\.cjs)? certs --install-ca/);

    assert.equal(readFileSync(join(cwd, 'two', 'ca-cert.pem'), 'utf8'), readFileSync(join(cwd, 'one', 'ca-cert.pem'), 'utf8'));
    const index = readFileSync(join(cwd, 'two', 'index.ts'), 'utf8');
    assert.match(index, /http2\.createSecureServer\(options\)/);
    assert.match(index, /^const TRUSTED_CERT_FILE = 'ca-cert\.pem';$/m);
  });

  test('--ca with --h2c is a usage error: one line, exit 2, nothing written, no CA made', async (t) => {
    const { env } = isolatedCaEnv(t);
    const cwd = tempDir(t);
    for (const args of [
      ['demo', '--ca', '--h2c', '--yes', '--no-verify'],
      ['demo', '--h2c', '--ca', '--json', '--no-verify'],
    ]) {
      const result = await runCli(['init', ...args], { cwd, env });
      assertOneLineError(assert, result, 2, /--ca cannot be used with --h2c/);
      // Under --json the error is a JSON document on stdout too, so a script gets one document.
      if (args.includes('--json')) assert.equal(JSON.parse(result.stdout).error.code, 'usage');
      else assert.equal(result.stdout, '');
    }
    assert.deepEqual(readdirSync(cwd), [], 'nothing was written');
    assert.ok(!existsSync(env.H2_SETUP_CAROOT), 'the CA was not created');
  });

  test('a CA directory that cannot be created is refused before anything is written', async (t) => {
    const { root, env } = isolatedCaEnv(t);
    const cwd = tempDir(t);
    const blocker = join(root, 'a-file');
    writeFileSync(blocker, 'not a directory\n');
    const result = await runCli(['init', 'demo', '--ca', '--yes', '--no-verify'], { cwd, env: { ...env, H2_SETUP_CAROOT: join(blocker, 'caroot') } });
    assertOneLineError(assert, result, 2, /local CA directory/);
    assert.deepEqual(readdirSync(cwd), [], 'nothing was written');
  });

  test('--force replaces ca-cert.pem, as it does the other files init writes', async (t) => {
    const { env } = isolatedCaEnv(t);
    const cwd = tempDir(t);
    assert.equal((await runCli(['init', 'demo', '--ca', '--yes', '--no-verify'], { cwd, env })).code, 0);
    writeFileSync(join(cwd, 'demo', 'ca-cert.pem'), 'mine\n');
    const again = await runCli(['init', 'demo', '--ca', '--yes', '--no-verify', '--force'], { cwd, env });
    assert.equal(again.code, 0, again.stderr);
    assert.equal(
      readFileSync(join(cwd, 'demo', 'ca-cert.pem'), 'utf8'),
      readFileSync(join(env.H2_SETUP_CAROOT, 'rootCA.pem'), 'utf8'),
      'replaced with the CA certificate',
    );
  });
});
