import { isIPv4, isIPv6, SocketAddress } from 'node:net';
import { domainToASCII } from 'node:url';
import { usageError } from '../../common/index.js';
import { DEFAULT_HOSTS, MAX_HOSTS } from './limits.js';

/** A name the certificate is for: a DNS name or an IP address, kept apart because
 *  they go into different subjectAltName entries (dNSName vs iPAddress) and clients
 *  never match an IP against a DNS entry. */
export type Host = { kind: 'dns'; value: string } | { kind: 'ip'; value: string };

const ACCEPTED = 'a DNS name (localhost, app.test, *.app.test), an IPv4 address (127.0.0.1) or an IPv6 address (::1)';
const DNS_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

export function parseHost(raw: string): Host {
  const text = raw.trim();
  if (text === '') throw usageError(`--host is empty; expected ${ACCEPTED}`);
  const unbracketed = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  if (unbracketed.includes('%') && isIPv6(unbracketed)) {
    // A zone index names a network interface of this machine; a certificate holds only the 16 address bytes.
    throw usageError(
      `--host ${JSON.stringify(raw)} has a zone index (%...), which a certificate cannot hold; expected the address without it, e.g. ${unbracketed.split('%')[0]}`,
    );
  }
  if (isIPv6(unbracketed)) {
    // One spelling per address (0:0:0:0:0:0:0:1 is ::1), so repeats are seen as repeats.
    const canonical = new SocketAddress({ address: unbracketed, family: 'ipv6' }).address;
    return { kind: 'ip', value: embeddedIPv4ToHex(canonical) };
  }
  if (isIPv4(text)) return { kind: 'ip', value: text };
  // Something made only of digits and dots is meant as an IPv4 address; calling
  // 300.1.1.1 a DNS name would hide the typo.
  if (/^[0-9.]+$/.test(text) || text.includes(':')) {
    throw usageError(`--host ${JSON.stringify(raw)} is not a valid IP address; expected ${ACCEPTED}`);
  }
  const name = toAsciiName(text.toLowerCase().replace(/\.$/, ''), raw);
  const labels = name.split('.');
  // A name whose last label is all digits (0x7f.0.0.1, 1.2.3.04) is what browsers read as an
  // IPv4 address (WHATWG URL), so it never matches a dNSName entry: say so instead.
  if (/^(?:[0-9]+|0x[0-9a-f]*)$/.test(labels[labels.length - 1] ?? '')) {
    throw usageError(`--host ${JSON.stringify(raw)} ends in a numeric label, which browsers read as an IPv4 address; expected ${ACCEPTED}`);
  }
  const wildcardOk = labels[0] === '*' && labels.length >= 3;
  const checked = wildcardOk ? labels.slice(1) : labels;
  if (name.length > 253 || !checked.every((label) => DNS_LABEL.test(label))) {
    throw usageError(`--host ${JSON.stringify(raw)} is not a valid host name; expected ${ACCEPTED}`);
  }
  return { kind: 'dns', value: name };
}

/** A name with non-ASCII letters (bücher.example) in the form certificates and DNS hold it
 *  (xn--bcher-kva.example, IDNA via WHATWG URL's domainToASCII); ASCII names unchanged. */
function toAsciiName(name: string, raw: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the test is for ASCII itself
  if (/^[\x00-\x7f]*$/.test(name)) return name;
  const wildcard = name.startsWith('*.');
  const ascii = domainToASCII(wildcard ? name.slice(2) : name);
  if (ascii === '') throw usageError(`--host ${JSON.stringify(raw)} is not a valid internationalised host name; expected ${ACCEPTED}`);
  return wildcard ? `*.${ascii}` : ascii;
}

/** `::ffff:127.0.0.1` as `::ffff:7f00:1`: the same 16 bytes, in the form node-forge can encode. */
function embeddedIPv4ToHex(address: string): string {
  const lastColon = address.lastIndexOf(':');
  const tail = address.slice(lastColon + 1);
  if (!isIPv4(tail)) return address;
  const [a = 0, b = 0, c = 0, d = 0] = tail.split('.').map(Number);
  return `${address.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
}

/** Parses every --host, drops repeats (keeping the first, which becomes the commonName). */
export function parseHosts(raw: readonly string[] | undefined): Host[] {
  const list = raw && raw.length > 0 ? raw : DEFAULT_HOSTS;
  if (list.length > MAX_HOSTS) {
    throw usageError(`${list.length} --host names is too many; expected at most ${MAX_HOSTS} (a certificate for more is too large for TLS clients)`);
  }
  const seen = new Set<string>();
  const hosts: Host[] = [];
  for (const item of list) {
    const host = parseHost(item);
    const key = `${host.kind}:${host.value}`;
    if (!seen.has(key)) {
      seen.add(key);
      hosts.push(host);
    }
  }
  return hosts;
}

/** The names among `raw` that h2-setup can put in a certificate, in its spelling, in order,
 *  without repeats; any other (an email subjectAltName, say) is left out. */
export function certificateHostNames(raw: readonly string[]): string[] {
  const names: string[] = [];
  for (const entry of raw) {
    try {
      const { value } = parseHost(entry);
      if (!names.includes(value)) names.push(value);
    } catch {
      // not a DNS name or an IP address
    }
  }
  return names;
}
