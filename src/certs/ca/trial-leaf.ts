import { generateKeyPairSync, type KeyObject, type X509Certificate } from 'node:crypto';
import { CLOCK_SKEW_MS } from '../profile/index.js';
import {
  basicConstraints,
  buildSignedCertificate,
  distinguishedName,
  extendedKeyUsage,
  keyUsage,
  OID,
  readCertificateFields,
  subjectAltName,
} from '../x509/index.js';

/**
 * A throwaway localhost server leaf signed by the local CA, made in memory and never
 * written: `--install-ca` asks each client about it to show which ones now trust the CA.
 * P-256, because generating it takes a millisecond where an RSA key takes a second.
 */
export function makeTrialLeaf(ca: { certificate: X509Certificate; privateKey: KeyObject }): { certPem: string; keyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const caFields = readCertificateFields(ca.certificate.raw);
  const notBefore = new Date(Date.now() - CLOCK_SKEW_MS);
  const { pem } = buildSignedCertificate({
    subjectPublicKeyInfo: publicKey.export({ type: 'spki', format: 'der' }),
    subject: distinguishedName([[OID.commonName, 'localhost']]),
    signer: { privateKey: ca.privateKey, name: caFields.subjectName, keyIdentifier: caFields.subjectKeyIdentifier },
    notBefore,
    notAfter: new Date(notBefore.getTime() + 2 * CLOCK_SKEW_MS),
    extensions: [
      basicConstraints({ ca: false }),
      keyUsage(['digitalSignature']),
      extendedKeyUsage(['serverAuth']),
      subjectAltName([{ kind: 'dns', value: 'localhost' }]),
    ],
  });
  return { certPem: pem, keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}
