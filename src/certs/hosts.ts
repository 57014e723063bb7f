import { isIPv4, isIPv6 } from 'node:net';
import { usageError } from '../errors.js';

/** A name the certificate is for: a DNS name or an IP address, kept apart because
 *  they go into different subjectAltName entries (dNSName vs iPAddress) and clients
 *  never match an IP against a DNS entry. */
export type Host = { kind: 'dns'; value: string } | { kind: 'ip'; value: string };

/** localhost and both loopback addresses: what `https://localhost` resolves to on
 *  any machine, whichever address family the client tries first. */
export const DEFAULT_HOSTS = ['localhost', '127.0.0.1', '::1'] as const;

const ACCEPTED = 'a DNS name (localhost, app.test, *.app.test), an IPv4 address (127.0.0.1) or an IPv6 address (::1)';
const DNS_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

export function parseHost(raw: string): Host {
  const text = raw.trim();
  if (text === '') throw usageError(`--host is empty; expected ${ACCEPTED}`);
  const unbracketed = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  if (isIPv6(unbracketed)) return { kind: 'ip', value: unbracketed.toLowerCase() };
  if (isIPv4(text)) return { kind: 'ip', value: text };
  // Something made only of digits and dots is meant as an IPv4 address; calling
  // 300.1.1.1 a DNS name would hide the typo.
  if (/^[0-9.]+$/.test(text) || text.includes(':')) {
    throw usageError(`--host ${JSON.stringify(raw)} is not a valid IP address; expected ${ACCEPTED}`);
  }
  const name = text.toLowerCase().replace(/\.$/, '');
  const labels = name.split('.');
  const wildcardOk = labels[0] === '*' && labels.length >= 3;
  const checked = wildcardOk ? labels.slice(1) : labels;
  if (name.length > 253 || !checked.every((label) => DNS_LABEL.test(label))) {
    throw usageError(`--host ${JSON.stringify(raw)} is not a valid host name; expected ${ACCEPTED}`);
  }
  return { kind: 'dns', value: name };
}

/** Parses every --host, drops repeats (keeping the first, which becomes the commonName). */
export function parseHosts(raw: readonly string[] | undefined): Host[] {
  const list = raw && raw.length > 0 ? raw : DEFAULT_HOSTS;
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
