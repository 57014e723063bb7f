import { createHash } from 'node:crypto';
import type { Host } from '../profile/index.js';
import {
  type Asn1,
  bitStringBytes,
  booleanTrue,
  children,
  fromDer,
  ia5String,
  implicitPrimitive,
  namedBitString,
  octetString,
  oid,
  sequence,
  smallInteger,
  toDer,
} from './der.js';
import { ipToBytes } from './ip-address.js';
import { OID } from './oids.js';

/** Certificate extensions (RFC 5280 section 4.2) as DER, for any key type. */

/** Extension ::= SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING } */
function extension(extnId: string, critical: boolean, value: Asn1): Asn1 {
  return sequence([oid(extnId), ...(critical ? [booleanTrue()] : []), octetString(toDer(value))]);
}

/** Critical, as the CA/Browser Forum asks; a leaf's is an empty SEQUENCE (cA defaults to FALSE,
 *  and DER leaves defaults out). */
export function basicConstraints(options: { ca: false } | { ca: true; pathLength: number }): Asn1 {
  return extension(OID.basicConstraints, true, sequence(options.ca ? [booleanTrue(), smallInteger(options.pathLength)] : []));
}

export const KEY_USAGE_BITS = {
  digitalSignature: 0,
  nonRepudiation: 1,
  keyEncipherment: 2,
  dataEncipherment: 3,
  keyAgreement: 4,
  keyCertSign: 5,
  cRLSign: 6,
} as const;
export type KeyUsage = keyof typeof KEY_USAGE_BITS;

export function keyUsage(usages: readonly KeyUsage[]): Asn1 {
  return extension(OID.keyUsage, true, namedBitString(usages.map((usage) => KEY_USAGE_BITS[usage])));
}

export type ExtendedKeyUsage = 'serverAuth' | 'clientAuth';
export function extendedKeyUsage(purposes: readonly ExtendedKeyUsage[]): Asn1 {
  return extension(OID.extKeyUsage, false, sequence(purposes.map((purpose) => oid(OID[purpose]))));
}

/** GeneralName dNSName is [2] IA5String, iPAddress [7] the 4 or 16 address octets. */
export function subjectAltName(hosts: readonly Host[]): Asn1 {
  return extension(
    OID.subjectAltName,
    false,
    sequence(hosts.map((host) => (host.kind === 'ip' ? implicitPrimitive(7, addressBytes(host.value)) : withTag(ia5String(host.value), 2)))),
  );
}

function addressBytes(address: string): Buffer {
  const bytes = ipToBytes(address);
  if (!bytes) throw new Error(`not an IP address: ${address}`);
  return bytes;
}

function withTag(value: Asn1, tagNumber: number): Asn1 {
  return implicitPrimitive(tagNumber, Buffer.from(value.value as string, 'binary'));
}

/** Critical, as RFC 5280 requires of a CA's name constraints, so a client that cannot
 *  enforce them refuses the CA instead of ignoring them. `value` is the NameConstraints SEQUENCE. */
export function nameConstraints(value: Asn1): Asn1 {
  return extension(OID.nameConstraints, true, value);
}

/** RFC 5280 4.2.1.2 method (1): the SHA-1 of the subjectPublicKey BIT STRING's bytes, what
 *  OpenSSL and mkcert compute, so chain builders can match a leaf to its CA by it. */
export function keyIdentifierOf(subjectPublicKeyInfo: Buffer): Buffer {
  const [, subjectPublicKey] = children(fromDer(subjectPublicKeyInfo), 'SubjectPublicKeyInfo');
  return createHash('sha1').update(bitStringBytes(subjectPublicKey, 'subjectPublicKey')).digest();
}

export function subjectKeyIdentifier(keyIdentifier: Buffer): Asn1 {
  return extension(OID.subjectKeyIdentifier, false, octetString(keyIdentifier));
}

/** AuthorityKeyIdentifier ::= SEQUENCE { keyIdentifier [0] IMPLICIT OCTET STRING } */
export function authorityKeyIdentifier(keyIdentifier: Buffer): Asn1 {
  return extension(OID.authorityKeyIdentifier, false, sequence([implicitPrimitive(0, keyIdentifier)]));
}
