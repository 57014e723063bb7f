// PKCS#12 bundles with a real password, opened by OpenSSL 3 (no -legacy), by Node's TLS
// (tls.createSecureContext({ pfx, passphrase }) and an HTTP/2 server serving from it) and by
// Java's keytool when it is installed; and refused by each without the password.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import tls from 'node:tls';
import { loadOrCreateLocalCa } from '../../dist/certs/ca/index.js';
import { parseHosts } from '../../dist/certs/profile/index.js';
import { buildPkcs12, generateEcdsaKeyPair, issueLeafCertificate } from '../../dist/certs/x509/index.js';
import { isolatedCaEnv } from '../helpers/ca-env.mjs';
import { realClients } from '../helpers/real-clients.mjs';
import { fileTempDir, h2Get, run, startH2Server } from '../helpers/tls-peers.mjs';

const work = fileTempDir('h2-setup-p12-');
const caEnv = isolatedCaEnv({ after });
const ca = await loadOrCreateLocalCa(caEnv.env);
const hasKeytool = spawnSync('keytool', ['-help'], { encoding: 'utf8' }).status === 0;

const PASSWORD = 'correct horse 7';

let counter = 0;
function bundle({ keyType = 'ecdsa', withCa = true, password = PASSWORD, friendlyName = 'h2-setup localhost' } = {}) {
  const { privateKey, publicKey } = keyType === 'ecdsa' ? generateEcdsaKeyPair() : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const leaf = issueLeafCertificate({
    kind: 'server',
    publicKey,
    hosts: parseHosts(undefined),
    commonName: 'localhost',
    days: 365,
    ...(withCa ? { ca } : { selfSigningKey: privateKey }),
  });
  const p12 = buildPkcs12({ privateKey, certPem: leaf.certPem, caCertPems: withCa ? [ca.certPem] : [], friendlyName, password });
  const path = join(work, `bundle-${++counter}.p12`);
  writeFileSync(path, p12, { mode: 0o600 });
  return { p12, path, privateKey, certPem: leaf.certPem };
}

test('openssl pkcs12 (OpenSSL 3, no -legacy) opens the bundle with the password: AES-256-CBC, PBKDF2-HMAC-SHA256, SHA-256 MAC', {
  timeout: 120_000,
}, async (t) => {
  if (!realClients(t, ['openssl'])) return;
  const made = bundle();
  const opened = await run('openssl', ['pkcs12', '-in', made.path, '-info', '-passin', `pass:${PASSWORD}`, '-noenc']);
  assert.equal(opened.code, 0, opened.stderr);
  const info = `${opened.stderr}${opened.stdout}`;
  assert.match(info, /MAC: sha256, Iteration 10000/);
  assert.match(info, /PKCS7 Encrypted data: PBES2, PBKDF2, AES-256-CBC, Iteration 10000, PRF hmacWithSHA256/);
  assert.match(info, /Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC, Iteration 10000, PRF hmacWithSHA256/);
  assert.match(info, /friendlyName: h2-setup localhost/);
  assert.equal(info.match(/-----BEGIN CERTIFICATE-----/g)?.length, 2, 'the certificate and the CA certificate');
  assert.match(info, /subject=CN = h2-setup development CA/);
  // The key that comes out is the key that went in.
  const keyPem = /-----BEGIN PRIVATE KEY-----[\s\S]*?-----END PRIVATE KEY-----\n/.exec(opened.stdout)?.[0];
  assert.ok(keyPem, 'a private key in the output');
  assert.deepEqual(createPrivateKey(keyPem).export({ type: 'pkcs8', format: 'der' }), made.privateKey.export({ type: 'pkcs8', format: 'der' }));
});

test('openssl pkcs12 refuses the bundle with a wrong password or none', { timeout: 120_000 }, async (t) => {
  if (!realClients(t, ['openssl'])) return;
  const made = bundle();
  for (const password of ['wrong', '']) {
    const refused = await run('openssl', ['pkcs12', '-in', made.path, '-info', '-passin', `pass:${password}`, '-noenc']);
    assert.notEqual(refused.code, 0, `opened with ${JSON.stringify(password)}`);
    assert.match(refused.stderr, /Mac verify error: invalid password\?/);
    assert.doesNotMatch(refused.stdout, /PRIVATE KEY/);
  }
});

test("Node's tls.createSecureContext({ pfx, passphrase }) opens it with the password and not without", () => {
  const made = bundle({ keyType: 'rsa', withCa: false });
  assert.doesNotThrow(() => tls.createSecureContext({ pfx: made.p12, passphrase: PASSWORD }));
  assert.throws(() => tls.createSecureContext({ pfx: made.p12 }), /mac verify failure/);
  assert.throws(() => tls.createSecureContext({ pfx: made.p12, passphrase: 'correct horse 8' }), /mac verify failure/);
});

test('an http2 server started from the bundle alone serves h2 to a client that trusts the CA', { timeout: 120_000 }, async (t) => {
  const made = bundle();
  const { port } = await startH2Server(t, { pfx: made.p12, passphrase: PASSWORD });
  const answer = await h2Get(`https://localhost:${port}/`, { ca: ca.certPem });
  assert.ifError(answer.error);
  assert.equal(answer.body, 'alpn=h2 client=none');
  assert.equal(answer.peerCertificate.asn1Curve, 'prime256v1');
});

test('a password outside ASCII works with OpenSSL and Node (UTF-8 for PBES2, BMPString for the MAC)', { timeout: 120_000 }, async (t) => {
  if (!realClients(t, ['openssl'])) return;
  const password = 'pässwörd 🔑';
  const made = bundle({ password });
  assert.doesNotThrow(() => tls.createSecureContext({ pfx: made.p12, passphrase: password }));
  const opened = await run('openssl', ['pkcs12', '-in', made.path, '-info', '-passin', `pass:${password}`, '-noenc']);
  assert.equal(opened.code, 0, opened.stderr);
  assert.match(opened.stdout, /BEGIN PRIVATE KEY/);
  const refused = await run('openssl', ['pkcs12', '-in', made.path, '-info', '-passin', 'pass:passwort 🔑', '-noenc']);
  assert.notEqual(refused.code, 0);
});

test("Java's keytool lists the key entry with its chain, and refuses a wrong password", {
  skip: hasKeytool ? false : 'keytool (Java) is not installed',
  timeout: 180_000,
}, async () => {
  const made = bundle();
  const listed = await run('keytool', ['-list', '-v', '-storetype', 'PKCS12', '-keystore', made.path, '-storepass', PASSWORD], { timeoutMs: 120_000 });
  assert.equal(listed.code, 0, `${listed.stdout}${listed.stderr}`);
  assert.match(listed.stdout, /Alias name: h2-setup localhost/);
  assert.match(listed.stdout, /Entry type: PrivateKeyEntry/);
  assert.match(listed.stdout, /Certificate chain length: 2/);
  const refused = await run('keytool', ['-list', '-storetype', 'PKCS12', '-keystore', made.path, '-storepass', 'wrong-password'], { timeoutMs: 120_000 });
  assert.notEqual(refused.code, 0);
  assert.match(`${refused.stdout}${refused.stderr}`, /password was incorrect/);
});

test('an empty password is a usage error: there is no default password', () => {
  assert.throws(
    () => bundle({ password: '' }),
    (error) => error.name === 'H2SetupError' && error.exitCode === 2 && /password is empty/.test(error.message),
  );
});

test('two bundles of the same pair differ (fresh salts and IVs each time)', () => {
  const { privateKey, publicKey } = generateEcdsaKeyPair();
  const leaf = issueLeafCertificate({ kind: 'server', publicKey, hosts: parseHosts(undefined), commonName: 'localhost', days: 30, selfSigningKey: privateKey });
  const contents = { privateKey, certPem: leaf.certPem, friendlyName: 'x', password: PASSWORD };
  assert.notDeepEqual(buildPkcs12(contents), buildPkcs12(contents));
});
