// ECDSA P-256 and client (mutual TLS) certificates from the DER-level builder, judged by
// outside parties: openssl x509/verify, curl --http2, and Node's TLS on both ends of a real
// HTTP/2 connection on loopback. The library is imported from dist/ (npm run build first).
import assert from 'node:assert/strict';
import { createPrivateKey, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { loadOrCreateLocalCa } from '../../dist/certs/ca/index.js';
import { parseHosts } from '../../dist/certs/profile/index.js';
import {
  certificatePurpose,
  describeKey,
  generateEcdsaKeyPair,
  issueLeafCertificate,
  keyMatchesCertificate,
  readCertificateFields,
} from '../../dist/certs/x509/index.js';
import { userAtHost } from '../../dist/system/index.js';
import { isolatedCaEnv } from '../helpers/ca-env.mjs';
import { dumpDom } from '../helpers/chromium.mjs';
import { runCli, tempDir } from '../helpers/cli.mjs';
import { realClients } from '../helpers/real-clients.mjs';
import { fileTempDir, h2Get, run, startH2Server } from '../helpers/tls-peers.mjs';

const work = fileTempDir('h2-setup-x509-ecdsa-');
// One local CA for the file, made by the real local-ca module in a temporary H2_SETUP_CAROOT.
const caEnv = isolatedCaEnv({ after });
const ca = await loadOrCreateLocalCa(caEnv.env);
const caPath = join(work, 'ca.pem');
writeFileSync(caPath, ca.certPem);

let counter = 0;
/** Makes a pair with the library and writes it; returns paths and PEMs. */
function makePair({ kind = 'server', keyType = 'ecdsa', hosts = ['localhost', '127.0.0.1', '::1'], commonName, signedByCa = false, days = 365 } = {}) {
  const { privateKey, publicKey } = keyType === 'ecdsa' ? generateEcdsaKeyPair() : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const parsedHosts = hosts.length > 0 ? parseHosts(hosts) : [];
  const leaf = issueLeafCertificate({
    kind,
    publicKey,
    hosts: parsedHosts,
    commonName: commonName ?? parsedHosts[0]?.value ?? userAtHost(),
    days,
    ...(signedByCa ? { ca } : { selfSigningKey: privateKey }),
  });
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' });
  const id = ++counter;
  const keyPath = join(work, `${kind}-${keyType}-${id}-key.pem`);
  const certPath = join(work, `${kind}-${keyType}-${id}-cert.pem`);
  writeFileSync(keyPath, keyPem, { mode: 0o600 });
  writeFileSync(certPath, leaf.certPem);
  return { keyPath, certPath, keyPem, certPem: leaf.certPem, leaf, privateKey };
}

test('a self-signed ECDSA P-256 leaf reads as such in openssl x509 -text and verifies against itself', { timeout: 120_000 }, async (t) => {
  if (!realClients(t, ['openssl'])) return;
  const pair = makePair();
  assert.equal(pair.leaf.signatureAlgorithm, 'ecdsa-with-SHA256');
  const text = await run('openssl', ['x509', '-in', pair.certPath, '-text', '-noout']);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /Signature Algorithm: ecdsa-with-SHA256/);
  assert.match(text.stdout, /Public Key Algorithm: id-ecPublicKey/);
  assert.match(text.stdout, /NIST CURVE: P-256/);
  assert.match(text.stdout, /X509v3 Key Usage: critical\n\s+Digital Signature\n/, 'keyUsage is digitalSignature alone');
  assert.doesNotMatch(text.stdout, /Key Encipherment/, 'keyEncipherment is wrong for an EC key');
  assert.match(text.stdout, /X509v3 Extended Key Usage: \n\s+TLS Web Server Authentication\n/);
  assert.match(text.stdout, /DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1/);
  assert.match(text.stdout, /X509v3 Basic Constraints: critical\n\s+CA:FALSE/);
  const verified = await run('openssl', ['verify', '-purpose', 'sslserver', '-CAfile', pair.certPath, pair.certPath]);
  assert.equal(verified.code, 0, `${verified.stdout}${verified.stderr}`);
  // And the key file is one OpenSSL reads as a P-256 key.
  const key = await run('openssl', ['pkey', '-in', pair.keyPath, '-noout', '-text']);
  assert.equal(key.code, 0, key.stderr);
  assert.match(key.stdout, /NIST CURVE: P-256/);
});

test('an ECDSA leaf signed by the local CA verifies with openssl verify -purpose sslserver, and names the CA', {
  timeout: 120_000,
}, async (t) => {
  if (!realClients(t, ['openssl'])) return;
  const pair = makePair({ signedByCa: true, hosts: ['app.test', '*.app.test', '10.1.2.3'] });
  const verified = await run('openssl', ['verify', '-purpose', 'sslserver', '-CAfile', caPath, pair.certPath]);
  assert.equal(verified.code, 0, `${verified.stdout}${verified.stderr}`);
  const cert = new X509Certificate(pair.certPem);
  assert.equal(cert.issuer, ca.certificate.subject);
  assert.ok(cert.checkIssued(ca.certificate), 'issuer name and authorityKeyIdentifier match the CA');
  assert.equal(cert.subjectAltName, 'DNS:app.test, DNS:*.app.test, IP Address:10.1.2.3');
  // Another CA's certificate is not accepted in its place.
  const other = makePair({ keyType: 'ecdsa' });
  const wrong = await run('openssl', ['verify', '-CAfile', other.certPath, pair.certPath]);
  assert.notEqual(wrong.code, 0, 'verified against an unrelated certificate');
});

test('curl --http2 speaks h2 to a Node http2 server with the self-signed ECDSA pair', {
  timeout: 120_000,
}, async (t) => {
  if (!realClients(t, ['curl'])) return;
  const pair = makePair();
  const { port } = await startH2Server(t, { key: pair.keyPem, cert: pair.certPem });
  const result = await run('curl', [
    '--silent',
    '--show-error',
    '--max-time',
    '10',
    '--http2',
    '--cacert',
    pair.certPath,
    '--write-out',
    ' %{http_version}',
    `https://localhost:${port}/`,
  ]);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, 'alpn=h2 client=none 2');
  // Without the certificate as a trust anchor curl refuses it: the acceptance above is real.
  const untrusted = await run('curl', ['--silent', '--max-time', '10', '--http2', `https://localhost:${port}/`]);
  assert.equal(untrusted.code, 60, `curl without --cacert: ${untrusted.stderr}`);
});

test("Node's TLS accepts the CA-signed ECDSA pair and negotiates with the P-256 key", { timeout: 120_000 }, async (t) => {
  const pair = makePair({ signedByCa: true });
  const { port } = await startH2Server(t, { key: pair.keyPem, cert: pair.certPem });
  const result = await h2Get(`https://localhost:${port}/`, { ca: ca.certPem });
  assert.ifError(result.error);
  assert.equal(result.body, 'alpn=h2 client=none');
  assert.equal(result.peerCertificate.asn1Curve, 'prime256v1');
  assert.equal(result.peerCertificate.bits, 256);
  const refused = await h2Get(`https://localhost:${port}/`, {});
  assert.ok(refused.error, 'a client without the CA must refuse the server');
});

for (const keyType of ['ecdsa', 'rsa']) {
  test(`a ${keyType.toUpperCase()} client certificate: clientAuth only, accepted by an http2 server that requires one, and a client without one is refused`, {
    timeout: 180_000,
  }, async (t) => {
    if (!realClients(t, ['openssl'])) return;
    const server = makePair({ signedByCa: true });
    const client = makePair({ kind: 'client', keyType, hosts: [], commonName: 'alice@laptop', signedByCa: true });
    const fields = readCertificateFields(new X509Certificate(client.certPem).raw);
    assert.deepEqual(fields.extendedKeyUsage, ['clientAuth']);
    assert.deepEqual(fields.keyUsage, ['digitalSignature']);
    assert.equal(certificatePurpose(fields), 'client');
    const asClient = await run('openssl', ['verify', '-purpose', 'sslclient', '-CAfile', caPath, client.certPath]);
    assert.equal(asClient.code, 0, `${asClient.stdout}${asClient.stderr}`);
    const asServer = await run('openssl', ['verify', '-purpose', 'sslserver', '-CAfile', caPath, client.certPath]);
    assert.notEqual(asServer.code, 0, 'a client certificate must not pass as a server certificate');
    const { port, refusals } = await startH2Server(t, {
      key: server.keyPem,
      cert: server.certPem,
      ca: ca.certPem,
      requestCert: true,
      rejectUnauthorized: true,
    });
    const url = `https://localhost:${port}/`;
    const accepted = await h2Get(url, { ca: ca.certPem, key: client.keyPem, cert: client.certPem });
    assert.ifError(accepted.error);
    assert.equal(accepted.body, 'alpn=h2 client=alice@laptop');
    const anonymous = await h2Get(url, { ca: ca.certPem });
    assert.ok(anonymous.error, `a client without a certificate got an answer: ${anonymous.body}`);
    assert.ok(refusals.includes('ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE'), `the server's refusals: ${refusals.join(', ')}`);
    // A server certificate presented as a client one is refused for its purpose (no clientAuth).
    const wrongPurpose = await h2Get(url, { ca: ca.certPem, key: server.keyPem, cert: server.certPem });
    assert.ok(wrongPurpose.error, `a serverAuth-only certificate was accepted as a client: ${wrongPurpose.body}`);
  });
}

test('a client certificate is named after the user and machine by default', () => {
  assert.match(userAtHost(), /^[^@\s]+@[^@\s]+$|^[^@\s]+$/);
  const client = makePair({ kind: 'client', hosts: [], signedByCa: true });
  assert.match(new X509Certificate(client.certPem).subject, new RegExp(`CN=${userAtHost().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  assert.equal(new X509Certificate(client.certPem).subjectAltName, undefined);
});

test('the builder signs RSA leaves too (one code path for every key type)', { timeout: 120_000 }, async (t) => {
  if (!realClients(t, ['openssl'])) return;
  const pair = makePair({ keyType: 'rsa', signedByCa: true });
  assert.equal(pair.leaf.signatureAlgorithm, 'sha256WithRSAEncryption');
  assert.deepEqual(pair.leaf.keyUsage, ['digitalSignature', 'keyEncipherment']);
  const verified = await run('openssl', ['verify', '-purpose', 'sslserver', '-CAfile', caPath, pair.certPath]);
  assert.equal(verified.code, 0, `${verified.stdout}${verified.stderr}`);
});

test('--check helpers: key descriptions, key/certificate match for RSA and EC, signature algorithm and purpose', () => {
  const ec = makePair();
  const rsa = makePair({ keyType: 'rsa' });
  const ecCert = new X509Certificate(ec.certPem);
  const rsaCert = new X509Certificate(rsa.certPem);
  assert.deepEqual(describeKey(createPrivateKey(ec.keyPem)), { type: 'ecdsa', curve: 'P-256', bits: 256, label: 'ECDSA P-256' });
  assert.deepEqual(describeKey(rsaCert.publicKey), { type: 'rsa', bits: 2048, label: 'RSA-2048' });
  assert.deepEqual(describeKey(generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey), {
    type: 'ecdsa',
    curve: 'P-384',
    bits: 384,
    label: 'ECDSA P-384',
  });
  assert.equal(keyMatchesCertificate(createPrivateKey(ec.keyPem), ecCert), true);
  assert.equal(keyMatchesCertificate(createPrivateKey(rsa.keyPem), rsaCert), true);
  assert.equal(keyMatchesCertificate(generateEcdsaKeyPair().privateKey, ecCert), false, 'another P-256 key');
  assert.equal(keyMatchesCertificate(createPrivateKey(rsa.keyPem), ecCert), false, 'an RSA key against an EC certificate');
  assert.equal(keyMatchesCertificate(createPrivateKey(ec.keyPem), rsaCert), false, 'an EC key against an RSA certificate');
  assert.equal(readCertificateFields(ecCert.raw).signatureAlgorithm, 'ecdsa-with-SHA256');
  assert.equal(readCertificateFields(rsaCert.raw).signatureAlgorithm, 'sha256WithRSAEncryption');
  assert.equal(certificatePurpose(readCertificateFields(ecCert.raw)), 'server');
  const caFields = readCertificateFields(ca.certificate.raw);
  assert.equal(certificatePurpose(caFields), 'ca');
  assert.deepEqual(caFields.basicConstraints, { ca: true, pathLength: 0 });
  assert.deepEqual(caFields.keyUsage, ['keyCertSign', 'cRLSign']);
  assert.equal(readCertificateFields(ecCert.raw).basicConstraints.ca, false);
});

test('validity: notAfter - notBefore is the asked number of days, and more than 825 is refused', () => {
  const pair = makePair({ days: 825 });
  const cert = new X509Certificate(pair.certPem);
  assert.equal((Date.parse(cert.validTo) - Date.parse(cert.validFrom)) / 86_400_000, 825);
  assert.throws(() => makePair({ days: 826 }), /825/);
});

test("headless Chromium's strict certificate parser accepts a CA-signed ECDSA leaf over h2", { timeout: 10 * 60_000 }, async (t) => {
  const browser = realClients(t, ['chromium', 'certutil']);
  if (!browser) return;
  // The file's CA goes into the temporary HOME's NSS database, where Chromium looks.
  const installed = await runCli(['certs', '--install-ca'], { env: caEnv.env });
  assert.equal(installed.code, 0, installed.stderr);
  const pair = makePair({ signedByCa: true });
  const { port, refusals } = await startH2Server(t, { key: pair.keyPem, cert: pair.certPem });
  const page = await dumpDom(browser.chromium, `https://localhost:${port}/`, {
    home: caEnv.home,
    userDataDir: tempDir(t, 'h2-setup-chromium-profile-'),
    timeoutMs: 90_000,
  });
  assert.equal(page.timedOut, false, 'chromium did not finish in time');
  assert.deepEqual(page.leftovers, []);
  assert.match(
    page.dom,
    /alpn=h2 client=none/,
    `no page (${page.stderr.match(/net::ERR_\w+/)?.[0] ?? 'no net error'}); server refusals: ${refusals.join(', ')}`,
  );
});
