import { createPublicKey, type KeyObject, verify } from 'node:crypto';
import { usageError } from '../../common/index.js';
import { type Host, parseHost } from '../profile/index.js';
import { type Asn1, bitStringBytes, bytesOf, children, fromDer, fromPem, isTag, oidOf, sequenceElementBytes, toDer } from './der.js';
import { ipFromBytes } from './ip-address.js';
import { describeKey, type KeyDescription } from './keys.js';
import { type CaKeyPair, type IssuedLeaf, issueLeafCertificate } from './leaf.js';
import { OID, oidName } from './oids.js';

/**
 * Reads a PKCS#10 certificate request (RFC 2986) made elsewhere — openssl req, Java's
 * keytool, Go's x509.CreateCertificateRequest — so the local CA can sign it: its own
 * signature is verified first (it proves the requester holds the private key and that
 * nothing was altered on the way), then its public key and the names it asks for are
 * taken out.
 */
export interface CertificateRequest {
  /** The requester's public key, for the certificate. */
  publicKey: KeyObject;
  key: KeyDescription;
  /** The request's subject commonName, when it has one. */
  commonName?: string;
  /** The DNS names and IP addresses of its subjectAltName (extensionRequest), in order. */
  hosts: Host[];
  /** subjectAltName entries a TLS server certificate from h2-setup does not carry (email, URI, ...), as text. */
  ignoredNames: string[];
  /** The algorithm the request is signed with, e.g. sha256WithRSAEncryption. */
  signatureAlgorithm: string;
}

/** Hashes Node's verify() takes for each signature algorithm a request may use. SHA-1 and
 *  MD5 are not here: OpenSSL 3 refuses them too, and nothing current makes them. */
const VERIFY_HASH: Record<string, string> = {
  [OID.sha256WithRSAEncryption]: 'sha256',
  [OID.sha384WithRSAEncryption]: 'sha384',
  [OID.sha512WithRSAEncryption]: 'sha512',
  [OID.ecdsaWithSHA256]: 'sha256',
  [OID.ecdsaWithSHA384]: 'sha384',
  [OID.ecdsaWithSHA512]: 'sha512',
};
const ACCEPTED_SIGNATURES = 'sha256/384/512WithRSAEncryption or ecdsa-with-SHA256/384/512';
const ACCEPTED_KEYS = 'RSA of 2048 bits or more, or ECDSA P-256 or P-384';

/**
 * Parses and checks a request. `source` names it in messages (the --csr path). Every
 * problem is a usage error (exit 2) with one line saying what is wrong and what is accepted.
 */
export function readCertificateRequest(text: string, source: string): CertificateRequest {
  const der = fromPem('CERTIFICATE REQUEST', text) ?? fromPem('NEW CERTIFICATE REQUEST', text);
  if (!der) throw usageError(`${source} is not a PEM certificate request; expected -----BEGIN CERTIFICATE REQUEST----- (openssl req -new ...)`);
  let parsed: ReturnType<typeof parseRequest>;
  try {
    parsed = parseRequest(der);
  } catch (error) {
    throw usageError(`${source} is not a well-formed PKCS#10 certificate request (${(error as Error).message})`);
  }
  const hash = VERIFY_HASH[parsed.signatureOid];
  if (!hash) {
    throw usageError(`${source} is signed with ${oidName(parsed.signatureOid)}; expected ${ACCEPTED_SIGNATURES}`);
  }
  const key = describeKey(parsed.publicKey);
  const strongRsa = key.type === 'rsa' && parsed.publicKey.asymmetricKeyType === 'rsa' && (key.bits ?? 0) >= 2048;
  const knownCurve = key.type === 'ecdsa' && (key.label === 'ECDSA P-256' || key.label === 'ECDSA P-384');
  if (!strongRsa && !knownCurve) throw usageError(`${source} asks for a certificate for a ${key.label} key; expected ${ACCEPTED_KEYS}`);
  let genuine = false;
  try {
    // The signature covers certificationRequestInfo exactly as it appears in the file.
    genuine = verify(hash, parsed.signedBytes, parsed.publicKey, parsed.signature);
  } catch {
    genuine = false;
  }
  if (!genuine) {
    throw usageError(
      `the signature of the certificate request ${source} does not verify with its own key: it was altered after it was signed, or is damaged; ask for a new request`,
    );
  }
  return {
    publicKey: parsed.publicKey,
    key,
    ...(parsed.commonName !== undefined ? { commonName: parsed.commonName } : {}),
    hosts: parsed.hosts,
    ignoredNames: parsed.ignoredNames,
    signatureAlgorithm: oidName(parsed.signatureOid),
  };
}

function parseRequest(der: Buffer) {
  const [infoBytes] = sequenceElementBytes(der);
  const [info, algorithm, signatureValue] = children(fromDer(der), 'CertificationRequest');
  if (!infoBytes) throw new Error('no certificationRequestInfo');
  const [version, subject, subjectPublicKeyInfo, attributes] = children(info, 'certificationRequestInfo');
  if (bytesOf(version, 'version')[0] !== 0) throw new Error('version is not 1');
  if (!subjectPublicKeyInfo) throw new Error('no subjectPublicKeyInfo');
  const publicKey = createPublicKey({ key: toDer(subjectPublicKeyInfo), format: 'der', type: 'spki' });
  const names = subjectAltNamesRequested(attributes);
  return {
    signedBytes: infoBytes,
    signatureOid: oidOf(children(algorithm, 'signatureAlgorithm')[0], 'signature algorithm'),
    signature: bitStringBytes(signatureValue, 'signature'),
    publicKey,
    commonName: commonNameOf(subject),
    ...names,
  };
}

function commonNameOf(name: Asn1 | undefined): string | undefined {
  for (const relativeName of children(name, 'subject')) {
    for (const attribute of children(relativeName, 'RelativeDistinguishedName')) {
      const [type, value] = children(attribute, 'AttributeTypeAndValue');
      if (oidOf(type, 'attribute type') === OID.commonName) return bytesOf(value, 'commonName').toString(value?.type === 30 ? 'utf16le' : 'utf8');
    }
  }
  return undefined;
}

/** attributes [0] IMPLICIT SET OF Attribute; the extensionRequest attribute holds Extensions,
 *  and of those only subjectAltName matters: every other requested extension is the CA's to
 *  decide (a request cannot ask to be a CA, or for a longer validity). */
function subjectAltNamesRequested(attributes: Asn1 | undefined): { hosts: Host[]; ignoredNames: string[] } {
  const hosts: Host[] = [];
  const ignoredNames: string[] = [];
  if (!isTag(attributes, 0, true)) return { hosts, ignoredNames };
  for (const attribute of children(attributes, 'attributes')) {
    const [type, values] = children(attribute, 'Attribute');
    if (oidOf(type, 'attribute type') !== OID.extensionRequest) continue;
    for (const extensions of children(values, 'extensionRequest values')) {
      for (const extension of children(extensions, 'Extensions')) {
        const parts = children(extension, 'Extension');
        if (oidOf(parts[0], 'extnID') !== OID.subjectAltName) continue;
        for (const generalName of children(fromDer(bytesOf(parts[parts.length - 1], 'extnValue')), 'subjectAltName')) {
          const value = bytesOf(generalName, 'GeneralName');
          const text = generalName.type === 2 ? value.toString('ascii') : generalName.type === 7 ? ipFromBytes(value) : undefined;
          let host: Host | undefined;
          try {
            host = text === undefined ? undefined : parseHost(text);
          } catch {
            host = undefined;
          }
          if (host && !hosts.some((known) => known.kind === host.kind && known.value === host.value)) hosts.push(host);
          else if (!host) ignoredNames.push(describeGeneralName(generalName.type, value));
        }
      }
    }
  }
  return { hosts, ignoredNames };
}

function describeGeneralName(tagNumber: number, value: Buffer): string {
  const kinds: Record<number, string> = { 1: 'email', 2: 'DNS', 6: 'URI', 7: 'IP Address' };
  const readable = tagNumber === 1 || tagNumber === 2 || tagNumber === 6;
  return `${kinds[tagNumber] ?? `GeneralName [${tagNumber}]`}:${readable ? value.toString('ascii') : value.toString('hex')}`;
}

/**
 * Issues the local CA's certificate for a checked request, with the same server profile and
 * limits as any leaf h2-setup makes (serverAuth, keyUsage for its key type, at most 825
 * days): only the public key and the names come from the request. `hosts` (from --host)
 * replaces the names the request asks for.
 */
export function signCertificateRequest(
  request: CertificateRequest,
  options: { ca: CaKeyPair; days: number; hosts?: readonly Host[]; source: string; now?: Date },
): IssuedLeaf & { hosts: Host[] } {
  const hosts = options.hosts && options.hosts.length > 0 ? [...options.hosts] : request.hosts;
  const [first] = hosts;
  if (!first) {
    throw usageError(
      `the certificate request ${options.source} names no DNS name or IP address (no subjectAltName); pass --host for each name the certificate is for`,
    );
  }
  const leaf = issueLeafCertificate({
    kind: 'server',
    publicKey: request.publicKey,
    hosts,
    commonName: request.commonName ?? first.value,
    days: options.days,
    ca: options.ca,
    ...(options.now ? { now: options.now } : {}),
  });
  return { ...leaf, hosts };
}
