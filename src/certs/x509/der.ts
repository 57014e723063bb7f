import { createRequire } from 'node:module';
import type forgeModule from 'node-forge';

/**
 * DER encoding and decoding with node-forge's ASN.1 codec alone. `node-forge/lib/asn1`
 * pulls in only forge's core, util, baseN and oids (about a tenth of the package), so
 * a command that builds or reads certificates at the ASN.1 level does not pay for
 * forge's ciphers, TLS and PKI code: on this machine `require('node-forge')` costs
 * ~45 ms over a bare `node -e 0`, the ASN.1 part alone a few.
 * Every value here is a forge ASN.1 node; `toDer` turns a tree into bytes.
 */
export type Asn1 = forgeModule.asn1.Asn1;
type Asn1Codec = typeof forgeModule.asn1;

let codec: Asn1Codec | undefined;
function forgeAsn1(): Asn1Codec {
  // createRequire: the package has no "exports" map and no ES module entry for its parts.
  codec ??= createRequire(import.meta.url)('node-forge/lib/asn1') as Asn1Codec;
  return codec;
}

// Tag numbers (X.680) and classes, so callers need not load forge's enums.
const UNIVERSAL = 0x00;
const CONTEXT = 0x80;
export const Tag = {
  BOOLEAN: 1,
  INTEGER: 2,
  BIT_STRING: 3,
  OCTET_STRING: 4,
  NULL: 5,
  OID: 6,
  UTF8String: 12,
  SEQUENCE: 16,
  SET: 17,
  PrintableString: 19,
  IA5String: 22,
  UTCTime: 23,
  GeneralizedTime: 24,
  BMPString: 30,
} as const;

function node(tagClass: number, type: number, constructed: boolean, value: string | Asn1[]): Asn1 {
  return forgeAsn1().create(tagClass as forgeModule.asn1.Class, type as forgeModule.asn1.Type, constructed, value);
}
const binary = (bytes: Buffer): string => bytes.toString('binary');

export const sequence = (children: Asn1[]): Asn1 => node(UNIVERSAL, Tag.SEQUENCE, true, children);
export const set = (children: Asn1[]): Asn1 => node(UNIVERSAL, Tag.SET, true, children);
export const nullValue = (): Asn1 => node(UNIVERSAL, Tag.NULL, false, '');
export const booleanTrue = (): Asn1 => node(UNIVERSAL, Tag.BOOLEAN, false, '\xff');
export const octetString = (bytes: Buffer): Asn1 => node(UNIVERSAL, Tag.OCTET_STRING, false, binary(bytes));
/** A BIT STRING holding whole octets (no unused bits): keys and signatures. */
export const bitString = (bytes: Buffer): Asn1 => node(UNIVERSAL, Tag.BIT_STRING, false, `\x00${binary(bytes)}`);
/** A BIT STRING of named bits (keyUsage): bit 0 is the most significant bit of the first
 *  octet, and DER drops trailing zero bits, counting them in the unused-bits octet. */
export function namedBitString(bits: readonly number[]): Asn1 {
  const highest = Math.max(...bits);
  const octets = Buffer.alloc(Math.floor(highest / 8) + 1);
  for (const bit of bits) octets[bit >> 3] = (octets[bit >> 3] ?? 0) | (0x80 >> (bit & 7));
  const unused = 7 - (highest & 7);
  return node(UNIVERSAL, Tag.BIT_STRING, false, `${String.fromCharCode(unused)}${binary(octets)}`);
}
export const utf8String = (text: string): Asn1 => node(UNIVERSAL, Tag.UTF8String, false, binary(Buffer.from(text, 'utf8')));
export const ia5String = (text: string): Asn1 => node(UNIVERSAL, Tag.IA5String, false, binary(Buffer.from(text, 'ascii')));
/** UTF-16 code units, as forge's encoder writes a BMPString. */
export const bmpString = (text: string): Asn1 => node(UNIVERSAL, Tag.BMPString, false, text);
export const oid = (dotted: string): Asn1 => node(UNIVERSAL, Tag.OID, false, forgeAsn1().oidToDer(dotted).getBytes());

/** A non-negative INTEGER from big-endian bytes, minimally encoded (a leading 0x00 only
 *  where the top bit is set, so it is not read as negative). */
export function unsignedInteger(bytes: Buffer): Asn1 {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const trimmed = bytes.subarray(start);
  const value = (trimmed[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed;
  return node(UNIVERSAL, Tag.INTEGER, false, binary(value.length > 0 ? value : Buffer.from([0])));
}
export function smallInteger(value: number): Asn1 {
  const bytes: number[] = [];
  for (let rest = value; bytes.length === 0 || rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return unsignedInteger(Buffer.from(bytes));
}

/** RFC 5280 4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050, both to the second in UTC. */
export function time(date: Date): Asn1 {
  const year = date.getUTCFullYear();
  const digits = [date.getUTCMonth() + 1, date.getUTCDate(), date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds()]
    .map((part) => String(part).padStart(2, '0'))
    .join('');
  return year < 2050
    ? node(UNIVERSAL, Tag.UTCTime, false, `${String(year % 100).padStart(2, '0')}${digits}Z`)
    : node(UNIVERSAL, Tag.GeneralizedTime, false, `${year}${digits}Z`);
}

/** [n] EXPLICIT: a constructed context tag wrapping one value. */
export const explicit = (tagNumber: number, child: Asn1): Asn1 => node(CONTEXT, tagNumber, true, [child]);
/** [n] IMPLICIT on a primitive value (e.g. a dNSName, a keyIdentifier). */
export const implicitPrimitive = (tagNumber: number, bytes: Buffer): Asn1 => node(CONTEXT, tagNumber, false, binary(bytes));
/** [n] IMPLICIT on a SEQUENCE or SET. */
export const implicitConstructed = (tagNumber: number, children: Asn1[]): Asn1 => node(CONTEXT, tagNumber, true, children);

export function toDer(value: Asn1): Buffer {
  return Buffer.from(forgeAsn1().toDer(value).getBytes(), 'binary');
}

/** Parses DER strictly and whole. BIT STRINGs are left as bytes: forge would otherwise
 *  guess at ASN.1 inside them (a signature can happen to look like some). */
export function fromDer(der: Buffer): Asn1 {
  // @types/node-forge declares only the old boolean `strict` argument; forge 1.x takes this options object.
  return forgeAsn1().fromDer(binary(der), { strict: true, parseAllBytes: true, decodeBitStrings: false } as unknown as boolean);
}

// Reading parsed nodes: every accessor checks the shape it expects, so a malformed
// structure fails with an Error (callers turn it into a one-line message) instead of
// reading `undefined` along.

export function isTag(value: Asn1 | undefined, tagNumber: number, context = false): value is Asn1 {
  return value !== undefined && value.type === tagNumber && value.tagClass === (context ? CONTEXT : UNIVERSAL);
}
export function children(value: Asn1 | undefined, what: string): Asn1[] {
  if (value === undefined || !Array.isArray(value.value)) throw new Error(`${what} is not a constructed value`);
  return value.value;
}
export function bytesOf(value: Asn1 | undefined, what: string): Buffer {
  if (value === undefined || typeof value.value !== 'string') throw new Error(`${what} is not a primitive value`);
  return Buffer.from(value.value, 'binary');
}
export function oidOf(value: Asn1 | undefined, what: string): string {
  if (!isTag(value, Tag.OID)) throw new Error(`${what} is not an OBJECT IDENTIFIER`);
  return forgeAsn1().derToOid(value.value as string);
}
/** A BIT STRING's bytes without its unused-bits octet. */
export function bitStringBytes(value: Asn1 | undefined, what: string): Buffer {
  if (!isTag(value, Tag.BIT_STRING)) throw new Error(`${what} is not a BIT STRING`);
  return bytesOf(value, what).subarray(1);
}

/**
 * The exact bytes of each element of a DER SEQUENCE, as they appear in the input. A
 * signature covers bytes, not meaning: the signed part of a certificate request is
 * verified over these, never over a re-encoding that might differ.
 */
export function sequenceElementBytes(der: Buffer): Buffer[] {
  const outer = readHeader(der, 0);
  if (der[0] !== 0x30 || outer.end !== der.length) throw new Error('not a single DER SEQUENCE');
  const elements: Buffer[] = [];
  for (let offset = outer.contentStart; offset < outer.end; ) {
    const { end } = readHeader(der, offset);
    if (end > outer.end) throw new Error('an element runs past the end of its SEQUENCE');
    elements.push(der.subarray(offset, end));
    offset = end;
  }
  return elements;
}

function readHeader(der: Buffer, offset: number): { contentStart: number; end: number } {
  const first = der[offset + 1];
  if (der[offset] === undefined || first === undefined || (der[offset] & 0x1f) === 0x1f) throw new Error('truncated or unsupported DER tag');
  if (first < 0x80) return { contentStart: offset + 2, end: offset + 2 + first };
  const count = first & 0x7f;
  if (count === 0 || count > 4) throw new Error('unsupported DER length');
  let length = 0;
  for (let i = 0; i < count; i++) {
    const byte = der[offset + 2 + i];
    if (byte === undefined) throw new Error('truncated DER length');
    length = length * 256 + byte;
  }
  return { contentStart: offset + 2 + count, end: offset + 2 + count + length };
}

/** PEM armour for DER (64-character lines, LF), as OpenSSL writes it. */
export function toPem(label: string, der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** The DER inside the first PEM block with this label, or undefined when there is none. */
export function fromPem(label: string, text: string): Buffer | undefined {
  const match = new RegExp(`-----BEGIN ${label}-----([A-Za-z0-9+/=\\s]*?)-----END ${label}-----`).exec(text);
  if (!match?.[1]) return undefined;
  const der = Buffer.from(match[1].replace(/\s+/g, ''), 'base64');
  return der.length > 0 ? der : undefined;
}
