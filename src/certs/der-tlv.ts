/**
 * Just enough DER (X.690) to write and read the nameConstraints extension without
 * node-forge: a tag-length-value encoder and a reader that walks a certificate to one
 * extension. Only definite lengths exist in DER, so the reader need not know more.
 */

export interface DerNode {
  tag: number;
  /** The value octets (without tag and length). */
  content: Buffer;
}

function encodeLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const octets: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) octets.unshift(rest & 0xff);
  return Buffer.from([0x80 | octets.length, ...octets]);
}

export function derTlv(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), encodeLength(content.length), content]);
}

export const DER_SEQUENCE = 0x30;
export const DER_BOOLEAN = 0x01;
export const DER_OCTET_STRING = 0x04;
export const DER_OID = 0x06;

/** Reads the TLVs that follow one another in `input`; throws on anything truncated or not DER-shaped. */
export function derChildren(input: Buffer): DerNode[] {
  const nodes: DerNode[] = [];
  let offset = 0;
  while (offset < input.length) {
    const tag = input[offset];
    let length = input[offset + 1];
    if (tag === undefined || length === undefined) throw new Error('truncated DER');
    if ((tag & 0x1f) === 0x1f) throw new Error('multi-octet DER tags are not used in certificates');
    offset += 2;
    if (length & 0x80) {
      const count = length & 0x7f;
      if (count === 0 || count > 4 || offset + count > input.length) throw new Error('bad DER length');
      length = 0;
      for (let i = 0; i < count; i++) length = length * 256 + (input[offset + i] ?? 0);
      offset += count;
    }
    if (offset + length > input.length) throw new Error('truncated DER');
    nodes.push({ tag, content: input.subarray(offset, offset + length) });
    offset += length;
  }
  return nodes;
}

/** The one TLV `input` holds. */
export function derRoot(input: Buffer): DerNode {
  const [node, ...rest] = derChildren(input);
  if (!node || rest.length > 0) throw new Error('expected exactly one DER value');
  return node;
}

/** Dotted OID text to its DER content octets (base-128, first two arcs packed). */
export function encodeOid(oid: string): Buffer {
  const arcs = oid.split('.').map(Number);
  const [first = 0, second = 0, ...rest] = arcs;
  const octets: number[] = [];
  for (const arc of [first * 40 + second, ...rest]) {
    const chunk = [arc & 0x7f];
    for (let value = Math.floor(arc / 128); value > 0; value = Math.floor(value / 128)) chunk.unshift((value & 0x7f) | 0x80);
    octets.push(...chunk);
  }
  return Buffer.from(octets);
}

export interface DerExtension {
  critical: boolean;
  /** The extnValue OCTET STRING's content: the extension's own DER. */
  value: Buffer;
}

/**
 * The extension with `oid` in a DER certificate, or undefined when it has none.
 * Certificate ::= SEQUENCE { tbsCertificate, ... }; the extensions are the
 * tbsCertificate's [3] EXPLICIT field (tag 0xa3), a SEQUENCE of
 * Extension ::= SEQUENCE { extnID OID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }.
 */
export function findExtension(certificateDer: Buffer, oid: string): DerExtension | undefined {
  const certificate = derRoot(certificateDer);
  const [tbs] = derChildren(certificate.content);
  if (!tbs || tbs.tag !== DER_SEQUENCE) throw new Error('not an X.509 certificate');
  const wrapper = derChildren(tbs.content).find((node) => node.tag === 0xa3);
  if (!wrapper) return undefined;
  const wanted = encodeOid(oid);
  for (const extension of derChildren(derRoot(wrapper.content).content)) {
    const fields = derChildren(extension.content);
    const id = fields[0];
    if (!id || id.tag !== DER_OID || !id.content.equals(wanted)) continue;
    const critical = fields.find((node) => node.tag === DER_BOOLEAN)?.content[0] === 0xff;
    const value = fields.find((node) => node.tag === DER_OCTET_STRING);
    if (!value) throw new Error(`extension ${oid} has no value`);
    return { critical, value: value.content };
  }
  return undefined;
}
