// Signing certificate requests made by openssl (RSA and P-256) with the local CA: the
// request's own signature is checked (a tampered request is refused), its key and
// subjectAltName are used, and the certificate is judged by openssl and by Node's TLS
// serving it with openssl's own key.
import assert from 'node:assert/strict';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { loadOrCreateLocalCa } from '../../dist/certs/ca/index.js';
import { parseHosts } from '../../dist/certs/profile/index.js';
import { fromPem, readCertificateRequest, signCertificateRequest, toPem } from '../../dist/certs/x509/index.js';
import { isolatedCaEnv } from '../helpers/ca-env.mjs';
import { realClients } from '../helpers/real-clients.mjs';
import { fileTempDir, h2Get, run, startH2Server } from '../helpers/tls-peers.mjs';

const work = fileTempDir('h2-setup-csr-');
const caEnv = isolatedCaEnv({ after });
const ca = await loadOrCreateLocalCa(caEnv.env);
const caPath = join(work, 'ca.pem');
writeFileSync(caPath, ca.certPem);

const KEY_ARGS = {
  rsa: ['-newkey', 'rsa:2048'],
  ecdsa: ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'],
  rsa1024: ['-newkey', 'rsa:1024'],
};

let counter = 0;
/** `openssl req -new` with a fresh key; returns the request's PEM and the key's path. */
async function opensslRequest({ key = 'rsa', subject = '/CN=app.test', san = 'DNS:app.test,DNS:api.app.test,IP:127.0.0.1', extra = [] } = {}) {
  const id = ++counter;
  const keyPath = join(work, `req-${id}-key.pem`);
  const csrPath = join(work, `req-${id}.csr`);
  const args = ['req', '-new', ...KEY_ARGS[key], '-nodes', '-keyout', keyPath, '-subj', subject, '-out', csrPath, ...extra];
  if (san) args.push('-addext', `subjectAltName=${san}`);
  const made = await run('openssl', args);
  assert.equal(made.code, 0, `openssl ${args.join(' ')}: ${made.stderr}`);
  return { csrPem: readFileSync(csrPath, 'utf8'), csrPath, keyPath };
}

function sign(csrPem, options = {}) {
  const request = readCertificateRequest(csrPem, 'request.csr');
  return { request, leaf: signCertificateRequest(request, { ca, days: 90, source: 'request.csr', ...options }) };
}

/** The error readCertificateRequest throws: a usage error (exit 2) with a one-line message. */
function refusal(csrPem, pattern) {
  let caught;
  try {
    readCertificateRequest(csrPem, 'request.csr');
  } catch (error) {
    caught = error;
  }
  assert.ok(caught, 'the request was accepted');
  assert.equal(caught.name, 'H2SetupError', caught.stack);
  assert.equal(caught.exitCode, 2);
  assert.doesNotMatch(caught.message, /\n/, 'one line');
  assert.match(caught.message, pattern);
  return caught;
}

for (const key of ['rsa', 'ecdsa']) {
  test(`an openssl ${key === 'rsa' ? 'RSA-2048' : 'P-256'} request is signed by the local CA with its key and names, and the pair serves TLS`, {
    timeout: 180_000,
  }, async (t) => {
    if (!realClients(t, ['openssl'])) return;
    const { csrPem, csrPath, keyPath } = await opensslRequest({ key });
    const { request, leaf } = sign(csrPem);
    assert.equal(request.key.label, key === 'rsa' ? 'RSA-2048' : 'ECDSA P-256');
    assert.equal(request.signatureAlgorithm, key === 'rsa' ? 'sha256WithRSAEncryption' : 'ecdsa-with-SHA256');
    assert.equal(request.commonName, 'app.test');
    assert.deepEqual(
      leaf.hosts.map((host) => host.value),
      ['app.test', 'api.app.test', '127.0.0.1'],
    );
    const certPath = join(work, `signed-${key}.pem`);
    writeFileSync(certPath, leaf.certPem);

    const verified = await run('openssl', ['verify', '-purpose', 'sslserver', '-CAfile', caPath, certPath]);
    assert.equal(verified.code, 0, `${verified.stdout}${verified.stderr}`);
    // The certificate carries the request's key: the requester's private key matches it.
    const cert = new X509Certificate(leaf.certPem);
    assert.ok(cert.checkPrivateKey(createPrivateKey(readFileSync(keyPath))), "the certificate is for the request's key");
    const requestKey = await run('openssl', ['req', '-in', csrPath, '-noout', '-pubkey']);
    assert.equal(cert.publicKey.export({ type: 'spki', format: 'pem' }), requestKey.stdout);
    assert.equal(cert.subjectAltName, 'DNS:app.test, DNS:api.app.test, IP Address:127.0.0.1');
    const text = await run('openssl', ['x509', '-in', certPath, '-noout', '-ext', 'extendedKeyUsage,keyUsage,basicConstraints']);
    assert.match(text.stdout, /TLS Web Server Authentication/);
    assert.match(text.stdout, /CA:FALSE/);
    assert.match(text.stdout, key === 'rsa' ? /Digital Signature, Key Encipherment/ : /Digital Signature\n/);
    assert.ok((Date.parse(cert.validTo) - Date.parse(cert.validFrom)) / 86_400_000 <= 825);

    const { port } = await startH2Server(t, { key: readFileSync(keyPath), cert: leaf.certPem });
    const answer = await h2Get(`https://localhost:${port}/`, { ca: ca.certPem, servername: 'app.test' });
    assert.ifError(answer.error);
    assert.equal(answer.body, 'alpn=h2 client=none');
  });
}

test('--host replaces the names the request asks for', { timeout: 120_000 }, async (t) => {
  if (!realClients(t, ['openssl'])) return;
  const { csrPem } = await opensslRequest({ key: 'ecdsa' });
  const { leaf } = sign(csrPem, { hosts: parseHosts(['other.test', '::1']) });
  assert.equal(new X509Certificate(leaf.certPem).subjectAltName, 'DNS:other.test, IP Address:0:0:0:0:0:0:0:1');
});

test('a request whose subject was altered after signing is refused, as openssl req -verify refuses it', { timeout: 120_000 }, async (t) => {
  if (!realClients(t, ['openssl'])) return;
  const { csrPem } = await opensslRequest({ key: 'rsa', subject: '/CN=good.test' });
  const der = fromPem('CERTIFICATE REQUEST', csrPem);
  const at = der.indexOf(Buffer.from('good.test'));
  assert.ok(at > 0);
  const tampered = Buffer.from(der);
  tampered.write('evil', at); // same length: the structure stays valid DER
  const tamperedPem = toPem('CERTIFICATE REQUEST', tampered);
  const tamperedPath = join(work, 'tampered.csr');
  writeFileSync(tamperedPath, tamperedPem);
  // OpenSSL 3.0 exits 0 either way and says which on stderr.
  const judge = await run('openssl', ['req', '-in', tamperedPath, '-noout', '-verify']);
  assert.match(judge.stderr, /verify failure/, `openssl accepted the tampered request: ${judge.stderr}`);
  refusal(tamperedPem, /signature of the certificate request request\.csr does not verify.*altered/);
  // The untouched request is accepted, so the refusal above is the tampering's doing.
  const original = await run('openssl', ['req', '-noout', '-verify'], { input: csrPem });
  assert.match(original.stderr, /verify OK/);
  assert.equal(readCertificateRequest(csrPem, 'request.csr').commonName, 'good.test');
});

test('a request with a damaged signature or a swapped key is refused', { timeout: 120_000 }, async (t) => {
  if (!realClients(t, ['openssl'])) return;
  const { csrPem } = await opensslRequest({ key: 'ecdsa' });
  const der = fromPem('CERTIFICATE REQUEST', csrPem);
  const flipped = Buffer.from(der);
  flipped[flipped.length - 3] ^= 0x01; // inside the ECDSA signature's s integer
  refusal(toPem('CERTIFICATE REQUEST', flipped), /does not verify|not a well-formed/);
});

test('refused with what is accepted: SHA-1 signatures, RSA-1024 keys, a certificate instead of a request, garbage, no names', {
  timeout: 180_000,
}, async (t) => {
  if (!realClients(t, ['openssl'])) return;
  const sha1 = await opensslRequest({ key: 'rsa', extra: ['-sha1'] });
  refusal(sha1.csrPem, /signed with sha1WithRSAEncryption; expected sha256/);
  const small = await opensslRequest({ key: 'rsa1024' });
  refusal(small.csrPem, /RSA-1024 key; expected RSA of 2048 bits or more, or ECDSA P-256 or P-384/);
  refusal(ca.certPem, /is not a PEM certificate request; expected -----BEGIN CERTIFICATE REQUEST-----/);
  refusal('-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n', /not a well-formed PKCS#10 certificate request/);
  const nameless = await opensslRequest({ key: 'ecdsa', subject: '/CN=Duke', san: null });
  const request = readCertificateRequest(nameless.csrPem, 'nameless.csr');
  assert.deepEqual(request.hosts, []);
  assert.throws(
    () => signCertificateRequest(request, { ca, days: 90, source: 'nameless.csr' }),
    (error) => error.exitCode === 2 && /nameless\.csr names no DNS name or IP address .*pass --host/.test(error.message),
  );
});

test('subjectAltName entries a server certificate does not carry are reported, not silently kept', { timeout: 120_000 }, async (t) => {
  if (!realClients(t, ['openssl'])) return;
  const { csrPem } = await opensslRequest({ key: 'rsa', san: 'DNS:app.test,email:dev@app.test,URI:https://app.test/' });
  const request = readCertificateRequest(csrPem, 'request.csr');
  assert.deepEqual(
    request.hosts.map((host) => host.value),
    ['app.test'],
  );
  assert.deepEqual(request.ignoredNames, ['email:dev@app.test', 'URI:https://app.test/']);
  const { leaf } = sign(csrPem);
  assert.equal(new X509Certificate(leaf.certPem).subjectAltName, 'DNS:app.test');
});
