/**
 * X.509 encoding: keys, DER (with node-forge's ASN.1 codec only), OIDs, extensions, the one
 * certificate builder and the leaf profiles built on it, reading a certificate's fields,
 * PKCS#10 requests and PKCS#12 bundles. Uses profile/ only.
 */
export { buildSignedCertificate, distinguishedName } from './certificate.js';
export { readCertificateRequest, signCertificateRequest } from './csr.js';
export { type Asn1, bytesOf, children, fromDer, fromPem, implicitConstructed, implicitPrimitive, isTag, sequence, toPem } from './der.js';
export { basicConstraints, type ExtendedKeyUsage, extendedKeyUsage, type KeyUsage, keyUsage, nameConstraints, subjectAltName } from './extensions.js';
export { type CertificateFields, type CertificatePurpose, certificatePurpose, readCertificateFields, subjectAltNameHosts } from './fields.js';
export { ipFromBytes, ipToBytes } from './ip-address.js';
export { describeKey, generateEcdsaKeyPair, keyMatchesCertificate, privateKeyToPem, startRsaKeyGeneration } from './keys.js';
export { type IssuedLeaf, issueLeafCertificate, type LeafKind, leafCommonName } from './leaf.js';
export { OID } from './oids.js';
export { buildPkcs12 } from './pkcs12.js';
