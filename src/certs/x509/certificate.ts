import { type KeyObject, randomBytes, sign } from 'node:crypto';
import {
  type Asn1,
  bitString,
  explicit,
  fromDer,
  nullValue,
  oid,
  sequence,
  set,
  smallInteger,
  time,
  toDer,
  toPem,
  unsignedInteger,
  utf8String,
} from './der.js';
import { authorityKeyIdentifier, keyIdentifierOf, subjectKeyIdentifier } from './extensions.js';
import { OID } from './oids.js';

/**
 * The one certificate builder, for the local CA and every leaf: an X.509 v3 certificate
 * built at the DER level, for any public key Node's crypto can hold (RSA, EC) and signed
 * by any RSA or ECDSA key (node-forge's certificate object cannot carry an EC public key,
 * and its signing runs RSA in JavaScript). The
 * TBSCertificate is encoded once and those very bytes are signed by OpenSSL (Node's
 * crypto.sign) and placed in the certificate.
 */

/**
 * A positive serial number of 127 random bits from the OS CSPRNG (RFC 5280 allows
 * 20 octets; CA/B Forum asks for at least 64 random bits). The top bit is cleared
 * so the DER INTEGER is positive, and the next one set so the encoding is always
 * 16 octets without a leading zero octet.
 */
export function randomSerialHex(): string {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x40;
  return bytes.toString('hex');
}

/** Who signs: the leaf's own key (self-signed, `name` absent), or a CA, named byte for
 *  byte as in its own certificate's subject, with its key identifier for the leaf's
 *  authorityKeyIdentifier. */
export interface CertificateSigner {
  privateKey: KeyObject;
  name?: Asn1;
  keyIdentifier?: Buffer;
}

export interface CertificateContents {
  /** The subject's public key, as Node exports it: `publicKey.export({ type: 'spki', format: 'der' })`. */
  subjectPublicKeyInfo: Buffer;
  subject: Asn1;
  signer: CertificateSigner;
  notBefore: Date;
  notAfter: Date;
  /** Built with x509-extensions.ts; subjectKeyIdentifier (and authorityKeyIdentifier for a
   *  CA-signed one) are added here, from the keys. */
  extensions: Asn1[];
}

export interface SignedCertificate {
  der: Buffer;
  pem: string;
  serialHex: string;
  /** sha256WithRSAEncryption or ecdsa-with-SHA256 (ecdsa-with-SHA384 for a P-384 signer) */
  signatureAlgorithm: string;
}

/** Name ::= SEQUENCE OF SET OF AttributeTypeAndValue, one attribute a set, as UTF8String
 *  (RFC 5280 asks for it; PrintableString cannot hold '@' or '*'). */
export function distinguishedName(attributes: ReadonlyArray<readonly [attributeOid: string, value: string]>): Asn1 {
  return sequence(attributes.map(([type, value]) => set([sequence([oid(type), utf8String(value)])])));
}

interface SignatureAlgorithm {
  name: string;
  hash: 'sha256' | 'sha384';
  identifier: () => Asn1;
}

/**
 * The signature algorithm a key signs with. RSA: PKCS#1 v1.5 with SHA-256, whose
 * AlgorithmIdentifier carries an explicit NULL (RFC 4055). ECDSA: the hash that matches
 * the curve's strength, and no parameters at all (RFC 5758 3.2: absent, not NULL).
 */
export function signatureAlgorithmFor(privateKey: KeyObject): SignatureAlgorithm {
  const type = privateKey.asymmetricKeyType;
  if (type === 'rsa') return { name: 'sha256WithRSAEncryption', hash: 'sha256', identifier: () => sequence([oid(OID.sha256WithRSAEncryption), nullValue()]) };
  const curve = privateKey.asymmetricKeyDetails?.namedCurve;
  if (type === 'ec' && curve === 'prime256v1') return { name: 'ecdsa-with-SHA256', hash: 'sha256', identifier: () => sequence([oid(OID.ecdsaWithSHA256)]) };
  if (type === 'ec' && curve === 'secp384r1') return { name: 'ecdsa-with-SHA384', hash: 'sha384', identifier: () => sequence([oid(OID.ecdsaWithSHA384)]) };
  throw new Error(`cannot sign a certificate with a ${type}${curve ? ` ${curve}` : ''} key; expected RSA or ECDSA P-256/P-384`);
}

export function buildSignedCertificate(contents: CertificateContents): SignedCertificate {
  const algorithm = signatureAlgorithmFor(contents.signer.privateKey);
  const serialHex = randomSerialHex();
  const extensions = [
    ...contents.extensions,
    subjectKeyIdentifier(keyIdentifierOf(contents.subjectPublicKeyInfo)),
    ...(contents.signer.keyIdentifier ? [authorityKeyIdentifier(contents.signer.keyIdentifier)] : []),
  ];
  const tbsCertificate = sequence([
    explicit(0, smallInteger(2)), // v3: extensions need it
    unsignedInteger(Buffer.from(serialHex, 'hex')),
    algorithm.identifier(),
    contents.signer.name ?? contents.subject,
    sequence([time(contents.notBefore), time(contents.notAfter)]),
    contents.subject,
    fromDer(contents.subjectPublicKeyInfo),
    explicit(3, sequence(extensions)),
  ]);
  const tbsDer = toDer(tbsCertificate);
  // RSA: PKCS#1 v1.5 padding (Node's default for RSA keys). ECDSA: Node returns the DER
  // Ecdsa-Sig-Value that X.509 carries (dsaEncoding 'der' is the default).
  const signature = sign(algorithm.hash, tbsDer, contents.signer.privateKey);
  const der = toDer(sequence([tbsCertificate, algorithm.identifier(), bitString(signature)]));
  return { der, pem: toPem('CERTIFICATE', der), serialHex, signatureAlgorithm: algorithm.name };
}
