// The kinds of pair `certs` makes beyond the default RSA server pair, through the real CLI:
// --key-type ecdsa, --client (mutual TLS), --csr (someone else's key), --p12, and the library's
// createCertificate. Judged by openssl (x509, verify, pkcs12) and by Node's TLS serving them.
import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { createSecureContext } from 'node:tls';
import { isolatedCaEnv } from '../helpers/ca-env.mjs';
import { assertOneLineError, runCli, runCommand, tempDir } from '../helpers/cli.mjs';
import { realClients } from '../helpers/real-clients.mjs';
import { h2Get, run, startH2Server } from '../helpers/tls-peers.mjs';

async function certs(t, args, { env = {}, dir = tempDir(t) } = {}) {
  const result = await runCli(['certs', '--out-dir', dir, ...args], { env, timeoutMs: 60_000 });
  return { ...result, dir, json: args.includes('--json') && result.code === 0 ? JSON.parse(result.stdout) : undefined };
}

const read = (dir, name) => readFileSync(join(dir, name), 'utf8');

test('--key-type ecdsa: a P-256 key and an ecdsa-with-SHA256 certificate that openssl reads, Node serves and --check passes', async (t) => {
  if (!realClients(t, ['openssl'])) return;
  const made = await certs(t, ['--key-type', 'ecdsa', '--json']);
  assert.equal(made.code, 0, made.stderr);
  assert.equal(made.json.keyType, 'ecdsa');
  assert.equal(made.json.curve, 'P-256');
  assert.equal(made.json.bits, 256);
  assert.equal(made.json.signatureAlgorithm, 'ecdsa-with-SHA256');
  assert.deepEqual(made.json.keyUsage, ['digitalSignature']);
  const text = await run('openssl', ['x509', '-in', join(made.dir, 'public-cert.pem'), '-noout', '-text']);
  assert.match(text.stdout, /Public Key Algorithm: id-ecPublicKey/);
  assert.match(text.stdout, /ASN1 OID: prime256v1/);
  assert.match(text.stdout, /Signature Algorithm: ecdsa-with-SHA256/);
  assert.doesNotMatch(text.stdout, /Key Encipherment/);
  assert.equal(createPrivateKey(read(made.dir, 'private-key.pem')).asymmetricKeyType, 'ec');
  assert.equal(statSync(join(made.dir, 'private-key.pem')).mode & 0o777, 0o600);

  const { port } = await startH2Server(t, { key: read(made.dir, 'private-key.pem'), cert: read(made.dir, 'public-cert.pem') });
  const answer = await h2Get(`https://localhost:${port}`, { ca: read(made.dir, 'public-cert.pem') });
  assert.ifError(answer.error);
  assert.match(answer.body, /alpn=h2/);

  const checked = await certs(t, ['--check', '--json'], { dir: made.dir });
  assert.equal(checked.code, 0, checked.stdout);
  const report = JSON.parse(checked.stdout);
  assert.equal(report.certificate.keyType, 'ecdsa');
  assert.equal(report.certificate.curve, 'P-256');
  assert.equal(report.certificate.signatureAlgorithm, 'ecdsa-with-SHA256');
  const textCheck = await certs(t, ['--check'], { dir: made.dir });
  assert.match(textCheck.stdout, /key {11}ECDSA P-256, signed with ecdsa-with-SHA256/);
});

test('--key-type ecdsa --ca: the local CA signs the EC leaf (openssl verify), and --check knows an RSA key is not its key', async (t) => {
  if (!realClients(t, ['openssl'])) return;
  const { env } = isolatedCaEnv(t);
  const made = await certs(t, ['--key-type', 'ecdsa', '--ca'], { env });
  assert.equal(made.code, 0, made.stderr);
  assert.match(made.stdout, /key {11}ECDSA P-256, signed with sha256WithRSAEncryption/);
  const verified = await run('openssl', ['verify', '-purpose', 'sslserver', '-CAfile', join(made.dir, 'ca-cert.pem'), join(made.dir, 'public-cert.pem')]);
  assert.equal(verified.code, 0, verified.stderr + verified.stdout);
  // An RSA key beside an EC certificate: a mismatch, not a crash.
  const other = await certs(t, []);
  writeFileSync(join(made.dir, 'private-key.pem'), read(other.dir, 'private-key.pem'));
  const checked = await certs(t, ['--check', '--json'], { dir: made.dir, env });
  assert.equal(checked.code, 1, checked.stderr);
  assert.deepEqual(
    JSON.parse(checked.stdout).problems.map((problem) => problem.code),
    ['mismatch'],
  );
});

test('--key-type: a bad value and --bits with ecdsa are one-line usage errors that write nothing', async (t) => {
  for (const [args, pattern] of [
    [['--key-type', 'dsa'], /--key-type "dsa" is not allowed; expected rsa or ecdsa/],
    [['--key-type', 'ecdsa', '--bits', '2048'], /--bits is for RSA keys; an ECDSA key is P-256/],
  ]) {
    const result = await certs(t, args);
    assertOneLineError(assert, result, 2, pattern);
    assert.deepEqual(readdirSync(result.dir), []);
  }
});

test('--client: client-key.pem + client-cert.pem (clientAuth, CA-signed) that a mutual-TLS server accepts, and --check judges as a client one', async (t) => {
  if (!realClients(t, ['openssl'])) return;
  const { env } = isolatedCaEnv(t);
  const dir = tempDir(t);
  const server = await certs(t, ['--ca'], { env, dir });
  assert.equal(server.code, 0, server.stderr);
  const client = await certs(t, ['--client', '--force', '--json'], { env, dir });
  assert.equal(client.code, 0, client.stderr);
  assert.equal(client.json.kind, 'client');
  assert.deepEqual(client.json.extendedKeyUsage, ['clientAuth']);
  assert.equal(client.json.keyPath, join(dir, 'client-key.pem'));
  assert.equal(client.json.certPath, join(dir, 'client-cert.pem'));
  assert.match(client.json.commonName, /.@./);
  assert.equal(statSync(join(dir, 'client-key.pem')).mode & 0o777, 0o600);
  const verified = await run('openssl', ['verify', '-purpose', 'sslclient', '-CAfile', join(dir, 'ca-cert.pem'), join(dir, 'client-cert.pem')]);
  assert.equal(verified.code, 0, verified.stderr + verified.stdout);
  const asServer = await run('openssl', ['verify', '-purpose', 'sslserver', '-CAfile', join(dir, 'ca-cert.pem'), join(dir, 'client-cert.pem')]);
  assert.notEqual(asServer.code, 0, 'a client certificate must not pass as a server one');

  const ca = read(dir, 'ca-cert.pem');
  const { port, refusals } = await startH2Server(t, {
    key: read(dir, 'private-key.pem'),
    cert: read(dir, 'public-cert.pem'),
    ca,
    requestCert: true,
    rejectUnauthorized: true,
  });
  const withCert = await h2Get(`https://localhost:${port}`, { ca, key: read(dir, 'client-key.pem'), cert: read(dir, 'client-cert.pem') });
  assert.ifError(withCert.error);
  assert.match(withCert.body, new RegExp(`client=${client.json.commonName}`));
  const without = await h2Get(`https://localhost:${port}`, { ca });
  assert.ok(without.error, 'a client without a certificate is refused');
  assert.ok(refusals.length > 0);

  const checked = await certs(t, ['--check', '--key', 'client-key.pem', '--cert', 'client-cert.pem', '--json'], { env, dir });
  assert.equal(checked.code, 0, checked.stdout);
  assert.equal(JSON.parse(checked.stdout).certificate.purpose, 'client');
  const text = await certs(t, ['--check', '--key', 'client-key.pem', '--cert', 'client-cert.pem'], { env, dir });
  assert.match(text.stdout, /purpose {7}TLS client \(mutual TLS\)/);

  // A server certificate under the client's name is not a client certificate.
  writeFileSync(join(dir, 'client-cert.pem'), read(dir, 'public-cert.pem'));
  writeFileSync(join(dir, 'client-key.pem'), read(dir, 'private-key.pem'));
  const wrong = await certs(t, ['--check', '--key', 'client-key.pem', '--cert', 'client-cert.pem', '--json'], { env, dir });
  assert.equal(wrong.code, 1);
  assert.deepEqual(
    JSON.parse(wrong.stdout).problems.map((problem) => problem.code),
    ['no-client-auth'],
  );
});

test('--csr: signs an openssl request with the local CA, writes only the certificate and ca-cert.pem; --host wins; tampered is refused', async (t) => {
  if (!realClients(t, ['openssl'])) return;
  const { env } = isolatedCaEnv(t);
  const work = tempDir(t);
  const keyPath = join(work, 'app-key.pem');
  const csrPath = join(work, 'app.csr');
  const made = await run('openssl', [
    'req',
    '-new',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    keyPath,
    '-subj',
    '/CN=app.test',
    '-addext',
    'subjectAltName=DNS:app.test,DNS:api.app.test,email:dev@app.test',
    '-out',
    csrPath,
  ]);
  assert.equal(made.code, 0, made.stderr);

  const signed = await certs(t, ['--csr', csrPath, '--json'], { env });
  assert.equal(signed.code, 0, signed.stderr);
  assert.deepEqual(readdirSync(signed.dir).sort(), ['ca-cert.pem', 'public-cert.pem']);
  assert.equal(signed.json.keyPath, undefined);
  assert.equal(signed.json.csr.key, 'ECDSA P-256');
  assert.deepEqual(signed.json.csr.ignoredNames, ['email:dev@app.test']);
  assert.deepEqual(
    signed.json.hosts.map((host) => host.value),
    ['app.test', 'api.app.test'],
  );
  const cert = new X509Certificate(read(signed.dir, 'public-cert.pem'));
  assert.ok(cert.checkPrivateKey(createPrivateKey(readFileSync(keyPath))), "the certificate carries the request's key");
  const verified = await run('openssl', ['verify', '-purpose', 'sslserver', '-CAfile', join(signed.dir, 'ca-cert.pem'), join(signed.dir, 'public-cert.pem')]);
  assert.equal(verified.code, 0, verified.stderr + verified.stdout);
  const text = await certs(t, ['--csr', csrPath], { env });
  assert.match(text.stdout, /^Signed the certificate request .*app\.csr \(ECDSA P-256\) with the local CA for app\.test, api\.app\.test/);
  assert.match(text.stdout, /not included {2}email:dev@app\.test/);

  const hostWins = await certs(t, ['--csr', csrPath, '--host', 'other.test', '--json'], { env });
  assert.equal(hostWins.code, 0, hostWins.stderr);
  assert.equal(new X509Certificate(read(hostWins.dir, 'public-cert.pem')).subjectAltName, 'DNS:other.test');

  // One byte of the signed part changed: the request's own signature no longer verifies.
  const der = Buffer.from(read(work, 'app.csr').replace(/-----[^-]+-----|\s/g, ''), 'base64');
  const at = der.indexOf(Buffer.from('app.test'));
  der[at] ^= 0x01;
  const tamperedPath = join(work, 'tampered.csr');
  writeFileSync(tamperedPath, `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString('base64').replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE REQUEST-----\n`);
  const tampered = await certs(t, ['--csr', tamperedPath], { env });
  assertOneLineError(assert, tampered, 2, /tampered\.csr/);
  assert.deepEqual(readdirSync(tampered.dir), []);

  for (const extra of [['--key-type', 'ecdsa'], ['--p12'], ['--client']]) {
    const refused = await certs(t, ['--csr', csrPath, ...extra], { env });
    assertOneLineError(assert, refused, 2, new RegExp(`--csr cannot be used with ${extra[0]}`));
    assert.deepEqual(readdirSync(refused.dir), []);
  }
  const missing = await certs(t, ['--csr', join(work, 'nope.csr')], { env });
  assertOneLineError(assert, missing, 2, /--csr .*nope\.csr cannot be read/);
});

test('--p12: bundle.p12 (0600) beside the pair that openssl and Node open with the password; no password and no terminal is a usage error', async (t) => {
  if (!realClients(t, ['openssl'])) return;
  const { env } = isolatedCaEnv(t);
  const password = 'correct horse battery staple';
  const made = await certs(t, ['--ca', '--p12', '--json'], { env: { ...env, H2_SETUP_P12_PASSWORD: password } });
  assert.equal(made.code, 0, made.stderr);
  assert.equal(made.json.p12.path, join(made.dir, 'bundle.p12'));
  assert.equal(made.json.p12.includesCa, true);
  assert.doesNotMatch(made.stdout, new RegExp(password));
  assert.equal(statSync(join(made.dir, 'bundle.p12')).mode & 0o777, 0o600);
  const opened = await run('openssl', ['pkcs12', '-in', join(made.dir, 'bundle.p12'), '-nodes', '-passin', `pass:${password}`]);
  assert.equal(opened.code, 0, opened.stderr);
  const pemBlocks = opened.stdout.match(/-----BEGIN [A-Z ]+-----/g);
  assert.deepEqual(pemBlocks.sort(), ['-----BEGIN CERTIFICATE-----', '-----BEGIN CERTIFICATE-----', '-----BEGIN PRIVATE KEY-----']);
  const keyInBundle = createPrivateKey(opened.stdout.slice(opened.stdout.indexOf('-----BEGIN PRIVATE KEY-----')));
  assert.deepEqual(
    createPublicKey(keyInBundle).export({ type: 'spki', format: 'der' }),
    createPublicKey(read(made.dir, 'private-key.pem')).export({ type: 'spki', format: 'der' }),
  );
  createSecureContext({ pfx: readFileSync(join(made.dir, 'bundle.p12')), passphrase: password });
  const wrong = await run('openssl', ['pkcs12', '-in', join(made.dir, 'bundle.p12'), '-nodes', '-passin', 'pass:wrong']);
  assert.notEqual(wrong.code, 0);

  const noPassword = await certs(t, ['--p12'], { env: { H2_SETUP_P12_PASSWORD: '' } });
  assertOneLineError(assert, noPassword, 2, /--p12 needs a password: set H2_SETUP_P12_PASSWORD or run at a terminal/);
  assert.deepEqual(readdirSync(noPassword.dir), []);
  assert.equal(existsSync(join(noPassword.dir, 'bundle.p12')), false);
});

test("createCertificate (library): PEM text for an ECDSA server pair and a CA-signed client, nothing written; flags' messages for bad options", async (t) => {
  const { env } = isolatedCaEnv(t);
  const script = `
    import { createCertificate } from ${JSON.stringify(new URL('../../dist/certs/index.js', import.meta.url).href)};
    const server = await createCertificate({ keyType: 'ecdsa', hosts: ['app.test'] });
    const client = await createCertificate({ client: true });
    let error;
    try { await createCertificate({ days: 0 }); } catch (e) { error = e.message; }
    let bits;
    try { await createCertificate({ keyType: 'ecdsa', bits: 2048 }); } catch (e) { bits = e.message; }
    console.log(JSON.stringify({ server, client, error, bits }));`;
  const cwd = tempDir(t);
  const ran = await runCommand(process.execPath, ['--input-type=module', '-e', script], { cwd, env, timeoutMs: 60_000 });
  assert.equal(ran.code, 0, ran.stderr);
  const { server, client, error, bits } = JSON.parse(ran.stdout);
  assert.equal(server.keyType, 'ecdsa');
  assert.equal(server.ca, undefined);
  const serverCert = new X509Certificate(server.cert);
  assert.ok(serverCert.checkPrivateKey(createPrivateKey(server.key)));
  assert.equal(serverCert.subjectAltName, 'DNS:app.test');
  assert.equal(client.kind, 'client');
  assert.ok(new X509Certificate(client.cert).verify(new X509Certificate(client.ca).publicKey), 'the client certificate is signed by the returned CA');
  assert.match(error, /^--days "0" is not allowed/);
  assert.equal(bits, '--bits is for RSA keys; an ECDSA key is P-256');
  assert.deepEqual(readdirSync(cwd), [], 'createCertificate writes nothing');
});

test("verify: a mutual-TLS program's timeline shows the client's certificate (subject) on the server session, and 'close' is still judged", async (t) => {
  const { env } = isolatedCaEnv(t);
  const dir = tempDir(t);
  assert.equal((await certs(t, ['--ca'], { env, dir })).code, 0);
  const client = await certs(t, ['--client', '--force', '--json'], { env, dir });
  assert.equal(client.code, 0, client.stderr);
  writeFileSync(
    join(dir, 'mtls.mjs'),
    `import http2 from 'node:http2';
import fs from 'node:fs';
const read = (file) => fs.readFileSync(new URL(file, import.meta.url));
const server = http2.createSecureServer({ key: read('private-key.pem'), cert: read('public-cert.pem'), ca: read('ca-cert.pem'), requestCert: true, rejectUnauthorized: true });
server.on('session', (session) => session.on('close', () => { console.log('session closed'); server.close(); }));
server.on('stream', (stream) => { stream.respond({ ':status': 200 }); stream.end('hi'); });
server.listen(0, () => {
  const session = http2.connect('https://localhost:' + server.address().port, { ca: read('ca-cert.pem'), key: read('client-key.pem'), cert: read('client-cert.pem') });
  const request = session.request({ ':path': '/' });
  request.resume();
  request.on('end', () => session.close());
});
`,
  );
  const verified = await runCli(['verify', dir, '--entry', 'mtls.mjs', '--json'], { env, timeoutMs: 90_000 });
  assert.equal(verified.code, 0, verified.stdout + verified.stderr);
  const report = JSON.parse(verified.stdout);
  assert.equal(report.passed, true);
  const peer = report.timeline.find((event) => event.type === 'peer-certificate');
  assert.ok(peer, 'a peer-certificate event');
  assert.equal(peer.side, 'server');
  assert.equal(peer.authorized, true);
  assert.match(peer.subject, new RegExp(`CN=${client.json.commonName}`));
  const text = await runCli(['verify', dir, '--entry', 'mtls.mjs'], { env, timeoutMs: 90_000 });
  assert.match(text.stdout, /server session #\d+: the client presented a certificate for CN=/);
});
