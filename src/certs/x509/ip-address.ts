import { isIPv4, isIPv6, SocketAddress } from 'node:net';

/**
 * IP addresses as certificates hold them: the 4 or 16 octets of an iPAddress GeneralName
 * (subjectAltName, and with a mask after them in name constraints).
 */

/** The octets of an IPv4 or IPv6 address in text form (IPv4-in-IPv6 tails too), or
 *  undefined when it is not one; a zone index (%eth0) is not part of an address. */
export function ipToBytes(text: string): Buffer | undefined {
  if (isIPv4(text)) return Buffer.from(text.split('.').map(Number));
  if (!isIPv6(text) || text.includes('%')) return undefined;
  let head = text;
  let v4Tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  if (isIPv4(text.slice(lastColon + 1))) {
    v4Tail = text
      .slice(lastColon + 1)
      .split('.')
      .map(Number);
    head = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const [left = '', right] = head.split('::');
  const leftGroups = left ? left.split(':') : [];
  const rightGroups = right ? right.split(':') : [];
  const zeros = right === undefined ? [] : Array(8 - leftGroups.length - rightGroups.length).fill('0');
  const groups = [...leftGroups, ...zeros, ...rightGroups];
  const bytes = Buffer.alloc(16);
  for (const [index, group] of groups.entries()) bytes.writeUInt16BE(Number.parseInt(group, 16), index * 2);
  if (v4Tail.length === 4) Buffer.from(v4Tail).copy(bytes, 12);
  return bytes;
}

/** 4 or 16 octets as an address in its canonical text form (::1, not 0:0:0:0:0:0:0:1);
 *  undefined for any other length. */
export function ipFromBytes(bytes: Buffer): string | undefined {
  if (bytes.length === 4) return [...bytes].join('.');
  if (bytes.length !== 16) return undefined;
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(bytes.readUInt16BE(i).toString(16));
  return new SocketAddress({ address: groups.join(':'), family: 'ipv6' }).address;
}
