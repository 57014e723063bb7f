// Makes real certificates with properties h2-setup itself refuses to produce
// (expired, SHA-1, no subjectAltName, RSA-1024), so that `certs --check` can be
// tested against them. node-forge builds and signs them; the keys come from Node.
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import forge from 'node-forge';

/**
 * Writes private-key.pem and public-cert.pem into `dir`.
 * options: bits (2048), notBefore/notAfter (Date), sha1 (false), san (true),
 * serverAuth (true), hosts (['localhost', '127.0.0.1']).
 */
export function writeCustomPair(dir, options = {}) {
  const {
    bits = 2048,
    notBefore = new Date(Date.now() - 3600_000),
    notAfter = new Date(Date.now() + 90 * 86400_000),
    sha1 = false,
    san = true,
    serverAuth = true,
  } = options;
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }));
  cert.serialNumber = '01a2b3c4d5e6f708';
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = notAfter;
  const name = [{ name: 'commonName', value: 'localhost' }];
  cert.setSubject(name);
  cert.setIssuer(name);
  const extensions = [{ name: 'basicConstraints', cA: false }];
  if (serverAuth) extensions.push({ name: 'extKeyUsage', serverAuth: true });
  if (san)
    extensions.push({
      name: 'subjectAltName',
      altNames: [
        { type: 2, value: 'localhost' },
        { type: 7, ip: '127.0.0.1' },
      ],
    });
  cert.setExtensions(extensions);
  cert.sign(forge.pki.privateKeyFromPem(keyPem), sha1 ? forge.md.sha1.create() : forge.md.sha256.create());
  writeFileSync(join(dir, 'private-key.pem'), keyPem, { mode: 0o600 });
  writeFileSync(join(dir, 'public-cert.pem'), forge.pki.certificateToPem(cert));
}

/**
 * Writes a CA (rootCA.pem + rootCA-key.pem, key mode 0400) into `dir` with properties
 * h2-setup refuses: options ca (true), keyCertSign (true), notBefore/notAfter, and
 * otherKey (write a different key than the certificate's).
 */
export function writeCustomCa(dir, options = {}) {
  const {
    ca = true,
    keyCertSign = true,
    notBefore = new Date(Date.now() - 3600_000),
    notAfter = new Date(Date.now() + 365 * 86400_000),
    otherKey = false,
  } = options;
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }));
  cert.serialNumber = '4a2b3c4d5e6f7081';
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = notAfter;
  const name = [
    { name: 'commonName', value: 'test CA' },
    { name: 'organizationName', value: 'h2-setup development CA' },
  ];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.setExtensions([
    { name: 'basicConstraints', cA: ca, critical: true },
    { name: 'keyUsage', keyCertSign, digitalSignature: !keyCertSign, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(keyPem), forge.md.sha256.create());
  const writtenKey = otherKey ? generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) : keyPem;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(join(dir, 'rootCA-key.pem'), writtenKey, { mode: 0o400 });
  writeFileSync(join(dir, 'rootCA.pem'), forge.pki.certificateToPem(cert));
}
