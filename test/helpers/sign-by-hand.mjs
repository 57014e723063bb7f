// Signs certificates by hand with node-forge, outside h2-setup: what someone holding a
// copy of the local CA's key could make. Used to show that the CA's name constraints
// are enforced by the clients themselves, not merely by h2-setup refusing to sign.
import { generateKeyPairSync } from 'node:crypto';
import forge from 'node-forge';

/** A fresh RSA-2048 key pair as PEM (pkcs8 / spki). */
export function newKeyPair() {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }), publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }) };
}

/**
 * A TLS server leaf for `dns` names and `ips`, signed with the CA's key, carrying the
 * same extensions h2-setup's own leaves carry. commonName defaults to the first name.
 */
export function signLeafByHand({ caCertPem, caKeyPem, dns = [], ips = [], commonName = dns[0] ?? ips[0], days = 30 }) {
  const ca = forge.pki.certificateFromPem(caCertPem);
  const caKey = forge.pki.privateKeyFromPem(caKeyPem);
  const { keyPem, publicKeyPem } = newKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKeyPem);
  cert.serialNumber = `5${Math.floor(Math.random() * 1e15).toString(16)}`;
  cert.validity.notBefore = new Date(Date.now() - 3600_000);
  cert.validity.notAfter = new Date(Date.now() + days * 86400_000);
  cert.setSubject([{ name: 'commonName', value: commonName }]);
  cert.setIssuer(ca.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: [...dns.map((value) => ({ type: 2, value })), ...ips.map((ip) => ({ type: 7, ip }))] },
    { name: 'authorityKeyIdentifier', keyIdentifier: forge.util.hexToBytes(ca.getExtension('subjectKeyIdentifier').subjectKeyIdentifier) },
  ]);
  cert.sign(caKey, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem };
}

/** A CA with no name constraints, as older h2-setup versions made them: it must keep working. */
export function makeUnconstrainedCa() {
  const { keyPem, publicKeyPem } = newKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKeyPem);
  cert.serialNumber = '0a1b2c3d4e5f6071';
  cert.validity.notBefore = new Date(Date.now() - 3600_000);
  cert.validity.notAfter = new Date(Date.now() + 365 * 86400_000);
  const name = [{ name: 'commonName', value: 'old unconstrained test CA' }];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(keyPem), forge.md.sha256.create());
  return { caCertPem: forge.pki.certificateToPem(cert), caKeyPem: keyPem };
}
