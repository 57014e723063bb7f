import type { Host } from '../profile/index.js';
import { type Asn1, bitStringBytes, bytesOf, children, fromDer, isTag, oidOf, Tag } from './der.js';
import { KEY_USAGE_BITS, type KeyUsage } from './extensions.js';
import { OID, oidName } from './oids.js';

/**
 * What Node's X509Certificate does not tell (before Node 22 not even the signature
 * algorithm), read from the certificate's DER with forge's ASN.1 parser alone: the
 * signature algorithm, basicConstraints, keyUsage, extendedKeyUsage, the key
 * identifiers, and the subject Name as it is encoded (a CA's subject becomes its
 * leaves' issuer byte for byte).
 */
export interface CertificateFields {
  subjectName: Asn1;
  subjectPublicKeyInfo: Asn1;
  /** e.g. sha256WithRSAEncryption, ecdsa-with-SHA256, or the dotted OID when unknown */
  signatureAlgorithm: string;
  /** undefined when the extension is absent */
  basicConstraints?: { ca: boolean; pathLength?: number };
  keyUsage?: KeyUsage[];
  /** serverAuth, clientAuth, or the dotted OID of any other purpose */
  extendedKeyUsage?: string[];
  subjectKeyIdentifier?: Buffer;
  authorityKeyIdentifier?: Buffer;
  /** nameConstraints as parsed ASN.1 (name-constraints.ts reads it); undefined when absent */
  nameConstraints?: { critical: boolean; value: Asn1 };
}

export function readCertificateFields(der: Buffer): CertificateFields {
  const [tbs, signatureAlgorithm] = children(fromDer(der), 'Certificate');
  const tbsFields = children(tbs, 'TBSCertificate');
  // version [0] is there in every v3 certificate and absent in v1
  const offset = isTag(tbsFields[0], 0, true) ? 1 : 0;
  const subjectName = tbsFields[offset + 4];
  const subjectPublicKeyInfo = tbsFields[offset + 5];
  if (!isTag(subjectName, Tag.SEQUENCE) || !isTag(subjectPublicKeyInfo, Tag.SEQUENCE)) throw new Error('TBSCertificate has no subject or key');
  const fields: CertificateFields = {
    subjectName,
    subjectPublicKeyInfo,
    signatureAlgorithm: oidName(oidOf(children(signatureAlgorithm, 'signatureAlgorithm')[0], 'signature algorithm')),
  };
  const extensionsWrapper = tbsFields.slice(offset + 6).find((field) => isTag(field, 3, true));
  if (!extensionsWrapper) return fields;
  for (const extension of children(children(extensionsWrapper, 'extensions')[0], 'Extensions')) {
    const parts = children(extension, 'Extension');
    const extnId = oidOf(parts[0], 'extnID');
    const value = fromDer(bytesOf(parts[parts.length - 1], 'extnValue'));
    if (extnId === OID.basicConstraints) {
      const items = children(value, 'basicConstraints');
      const ca = isTag(items[0], Tag.BOOLEAN) && bytesOf(items[0], 'cA')[0] !== 0;
      const length = items.find((item) => isTag(item, Tag.INTEGER));
      fields.basicConstraints = {
        ca,
        ...(length ? { pathLength: bytesOf(length, 'pathLenConstraint').readUIntBE(0, bytesOf(length, 'pathLenConstraint').length) } : {}),
      };
    } else if (extnId === OID.keyUsage) {
      const bits = bitStringBytes(value, 'keyUsage');
      fields.keyUsage = (Object.entries(KEY_USAGE_BITS) as Array<[KeyUsage, number]>)
        .filter(([, bit]) => ((bits[bit >> 3] ?? 0) & (0x80 >> (bit & 7))) !== 0)
        .map(([name]) => name);
    } else if (extnId === OID.extKeyUsage) {
      fields.extendedKeyUsage = children(value, 'extKeyUsage').map((purpose) => oidName(oidOf(purpose, 'KeyPurposeId')));
    } else if (extnId === OID.subjectKeyIdentifier) {
      fields.subjectKeyIdentifier = bytesOf(value, 'subjectKeyIdentifier');
    } else if (extnId === OID.authorityKeyIdentifier) {
      const keyId = children(value, 'authorityKeyIdentifier').find((item) => isTag(item, 0, true));
      if (keyId) fields.authorityKeyIdentifier = bytesOf(keyId, 'keyIdentifier');
    } else if (extnId === OID.nameConstraints) {
      const critical = parts.length === 3 && isTag(parts[1], Tag.BOOLEAN) && bytesOf(parts[1], 'critical')[0] !== 0;
      fields.nameConstraints = { critical, value };
    }
  }
  return fields;
}

/**
 * What a certificate is for, as TLS clients and servers judge it: a CA (basicConstraints
 * cA), a TLS server's, a TLS client's, or both. No extendedKeyUsage at all means any
 * purpose (RFC 5280 4.2.1.12), which OpenSSL and Node accept for either role.
 */
export type CertificatePurpose = 'ca' | 'server' | 'client' | 'server-and-client' | 'any' | 'other';
export function certificatePurpose(fields: CertificateFields): CertificatePurpose {
  if (fields.basicConstraints?.ca) return 'ca';
  const purposes = fields.extendedKeyUsage;
  if (purposes === undefined) return 'any';
  const server = purposes.includes('serverAuth');
  const client = purposes.includes('clientAuth');
  return server && client ? 'server-and-client' : server ? 'server' : client ? 'client' : 'other';
}

/**
 * The DNS names and IP addresses of a subjectAltName as Node's X509Certificate prints it
 * ("DNS:a.test, IP Address:127.0.0.1"; Node writes IPv6 in full, and quotes, JSON-style, a
 * value holding a comma or a quote). Other entries (email, URI...) are left out.
 */
export function subjectAltNameHosts(subjectAltName: string | null | undefined): Host[] {
  const hosts: Host[] = [];
  let rest = subjectAltName ?? '';
  while (rest !== '') {
    const match = /^([A-Za-z ]+):("(?:[^"\\]|\\.)*"|[^,]*)(?:, |$)/.exec(rest);
    if (!match) break;
    const [whole, kind, raw = ''] = match;
    let value = raw;
    if (raw.startsWith('"')) {
      try {
        value = JSON.parse(raw) as string;
      } catch {
        value = raw;
      }
    }
    if (kind === 'DNS') hosts.push({ kind: 'dns', value });
    else if (kind === 'IP Address') hosts.push({ kind: 'ip', value });
    rest = rest.slice(whole.length);
  }
  return hosts;
}
