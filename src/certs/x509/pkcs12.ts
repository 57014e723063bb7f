import { createCipheriv, createHash, createHmac, type KeyObject, pbkdf2Sync, randomBytes } from 'node:crypto';
import { usageError } from '../../common/index.js';
import { type Asn1, bmpString, explicit, fromPem, implicitPrimitive, nullValue, octetString, oid, sequence, set, smallInteger, toDer } from './der.js';
import { OID } from './oids.js';

/**
 * A PKCS#12 file (RFC 7292) with the key, its certificate and the CA certificate, protected
 * the way OpenSSL 3 protects one by default, so that OpenSSL 3 opens it without `-legacy`,
 * and Java (8u301+, 11.0.12+), Windows 10+, macOS and Node read it: both the key and the
 * certificates are encrypted with PBES2 (PBKDF2 with HMAC-SHA256, AES-256-CBC), and the
 * whole is authenticated by an HMAC-SHA256 MAC. node-forge's pkcs12 writer only knows the
 * old 3DES/RC2 schemes, which OpenSSL 3 refuses without its legacy provider.
 */
export interface Pkcs12Contents {
  privateKey: KeyObject;
  /** The leaf certificate (PEM), which the key belongs to. */
  certPem: string;
  /** The CA certificates that complete its chain (PEM), if any. */
  caCertPems?: readonly string[];
  /** The name an importing keystore shows for the key and certificate. */
  friendlyName: string;
  password: string;
  /** PBKDF2 and MAC iterations; the default is 10000, as Java's keytool writes. */
  iterations?: number;
}

/** 10000 rounds (OpenSSL 3 uses 2048, keytool 10000): five times the work for someone
 *  guessing the password offline, still a few milliseconds to make. */
export const PKCS12_ITERATIONS = 10_000;

export function buildPkcs12(contents: Pkcs12Contents): Buffer {
  if (contents.password.length === 0) throw usageError('the PKCS#12 password is empty; expected a password of at least one character');
  const iterations = contents.iterations ?? PKCS12_ITERATIONS;
  const certDer = certificateDer(contents.certPem, 'the certificate');
  const caDers = (contents.caCertPems ?? []).map((pem) => certificateDer(pem, 'the CA certificate'));
  // localKeyId ties the key bag to its certificate bag; OpenSSL uses the certificate's SHA-1.
  const localKeyId = createHash('sha1').update(certDer).digest();
  const leafAttributes = bagAttributes(contents.friendlyName, localKeyId);

  const certificateBags = [certificateBag(certDer, leafAttributes), ...caDers.map((der) => certificateBag(der))];
  const keyBag = sequence([
    oid(OID.pkcs8ShroudedKeyBag),
    explicit(0, encryptedPrivateKeyInfo(contents.privateKey, contents.password, iterations)),
    leafAttributes,
  ]);
  const authenticatedSafe = toDer(
    sequence([
      // The certificates are encrypted too, as OpenSSL does: the names and hosts in them are
      // nobody's business without the password.
      encryptedDataContentInfo(toDer(sequence(certificateBags)), contents.password, iterations),
      dataContentInfo(toDer(sequence([keyBag]))),
    ]),
  );
  return toDer(sequence([smallInteger(3), dataContentInfo(authenticatedSafe), macData(authenticatedSafe, contents.password, iterations)]));
}

function certificateDer(pem: string, what: string): Buffer {
  const der = fromPem('CERTIFICATE', pem);
  if (!der) throw new Error(`${what} is not a PEM certificate`);
  return der;
}

/** friendlyName (a BMPString) and localKeyId, the attributes keystores show and match on. */
function bagAttributes(friendlyName: string, localKeyId: Buffer): Asn1 {
  return set([sequence([oid(OID.friendlyName), set([bmpString(friendlyName)])]), sequence([oid(OID.localKeyId), set([octetString(localKeyId)])])]);
}

function certificateBag(der: Buffer, attributes?: Asn1): Asn1 {
  return sequence([oid(OID.certBag), explicit(0, sequence([oid(OID.x509Certificate), explicit(0, octetString(der))])), ...(attributes ? [attributes] : [])]);
}

function dataContentInfo(content: Buffer): Asn1 {
  return sequence([oid(OID.data), explicit(0, octetString(content))]);
}

/** PBES2 (RFC 8018 6.2): a PBKDF2-HMAC-SHA256 key from the password's UTF-8 bytes, AES-256-CBC. */
function pbes2Encrypt(plaintext: Buffer, password: string, iterations: number): { algorithm: Asn1; ciphertext: Buffer } {
  const salt = randomBytes(16);
  const iv = randomBytes(16);
  const key = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, iterations, 32, 'sha256');
  const cipher = createCipheriv('aes-256-cbc', key, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const algorithm = sequence([
    oid(OID.pbes2),
    sequence([
      sequence([oid(OID.pbkdf2), sequence([octetString(salt), smallInteger(iterations), sequence([oid(OID.hmacWithSHA256), nullValue()])])]),
      sequence([oid(OID.aes256Cbc), octetString(iv)]),
    ]),
  ]);
  return { algorithm, ciphertext };
}

/** EncryptedPrivateKeyInfo over the key's PKCS#8 PrivateKeyInfo. */
function encryptedPrivateKeyInfo(privateKey: KeyObject, password: string, iterations: number): Asn1 {
  const { algorithm, ciphertext } = pbes2Encrypt(privateKey.export({ type: 'pkcs8', format: 'der' }), password, iterations);
  return sequence([algorithm, octetString(ciphertext)]);
}

/** ContentInfo { encryptedData, [0] EncryptedData { version 0, EncryptedContentInfo } } (RFC 5652 8). */
function encryptedDataContentInfo(plaintext: Buffer, password: string, iterations: number): Asn1 {
  const { algorithm, ciphertext } = pbes2Encrypt(plaintext, password, iterations);
  return sequence([oid(OID.encryptedData), explicit(0, sequence([smallInteger(0), sequence([oid(OID.data), algorithm, implicitPrimitive(0, ciphertext)])]))]);
}

/** MacData: HMAC-SHA256 over the authenticated safe's bytes, keyed by PKCS#12's own KDF. */
function macData(authenticatedSafe: Buffer, password: string, iterations: number): Asn1 {
  const salt = randomBytes(16);
  const key = pkcs12Kdf(password, salt, iterations, 3, 32);
  const mac = createHmac('sha256', key).update(authenticatedSafe).digest();
  return sequence([sequence([sequence([oid(OID.sha256), nullValue()]), octetString(mac)]), octetString(salt), smallInteger(iterations)]);
}

/**
 * RFC 7292 appendix B.2 with SHA-256 (u = 32, v = 64 bytes): the MAC key is derived from the
 * password as a BMPString (UTF-16BE, two zero bytes at the end), unlike PBES2, which takes
 * its UTF-8 bytes. Only one block of output is needed (32 bytes), so the I-update step of
 * the algorithm, which prepares further blocks, never runs.
 */
function pkcs12Kdf(password: string, salt: Buffer, iterations: number, id: number, length: number): Buffer {
  const v = 64;
  const utf16be = Buffer.from(`${password}\0`, 'utf16le').swap16();
  const fill = (data: Buffer) => {
    if (data.length === 0) return data;
    const out = Buffer.alloc(v * Math.ceil(data.length / v));
    for (let i = 0; i < out.length; i++) out[i] = data[i % data.length] ?? 0;
    return out;
  };
  const input = Buffer.concat([Buffer.alloc(v, id), fill(salt), fill(utf16be)]);
  let digest = createHash('sha256').update(input).digest();
  for (let round = 1; round < iterations; round++) digest = createHash('sha256').update(digest).digest();
  if (length > digest.length) throw new Error('pkcs12Kdf: only one block of output is implemented');
  return digest.subarray(0, length);
}
