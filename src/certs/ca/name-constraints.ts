import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type H2SetupError, shellQuote, usageError } from '../../common/index.js';
import { pathKind } from '../../system/index.js';
import type { Host } from '../profile/index.js';
import { CA_CERT_FILE } from '../profile/index.js';
import {
  type Asn1,
  bytesOf,
  children,
  implicitConstructed,
  implicitPrimitive,
  ipFromBytes,
  ipToBytes,
  isTag,
  nameConstraints,
  readCertificateFields,
  sequence,
} from '../x509/index.js';

import { caRootDirectory } from './root.js';

/**
 * Name constraints (RFC 5280 4.2.1.10) for the local development CA: the CA may only
 * vouch for local names and addresses, so a leaked CA key cannot impersonate a real
 * site. Chrome 112+, NSS (Firefox, certutil) and OpenSSL (curl, Node) all enforce
 * them on a locally added root.
 */

/**
 * DNS subtrees, written WITHOUT a leading dot: RFC 5280 says a dNSName constraint
 * matches the name itself and any name made by adding labels on the left, and
 * OpenSSL, NSS, Chromium and Go all read it so. A leading dot (".test") is an
 * extension some of them read as "subdomains only" and others reject, so it is
 * never written; `test` also permits the bare TLD `test`, which nothing can misuse.
 * `localhost`, `test`, `example`, `invalid` are RFC 6761's special-use names,
 * `home.arpa` RFC 8375's, `local` mDNS's, `internal` ICANN's private-use TLD.
 */
export const LOCAL_DNS_SUBTREES = ['localhost', 'test', 'example', 'invalid', 'internal', 'home.arpa', 'local'] as const;

/** Loopback, RFC 1918 private ranges and IPv6 unique local addresses. */
export const LOCAL_IP_SUBTREES = ['127.0.0.0/8', '::1/128', '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'] as const;

export const CA_PERMIT_VARIABLE = 'H2_SETUP_CA_PERMIT';

export type Subtree =
  | { kind: 'dns'; value: string }
  | { kind: 'ip'; address: Buffer; mask: Buffer; text: string }
  /** Any other GeneralName (rfc822Name, directoryName, URI...): it constrains names of its own type only. */
  | { kind: 'other'; tag: number };

export interface NameConstraints {
  critical: boolean;
  permitted: Subtree[];
  excluded: Subtree[];
}

const DNS_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const PERMIT_ACCEPTED =
  'a comma list of DNS names (corp.lan, which also permits its subdomains), IP addresses (192.0.2.7) and CIDR ranges (100.64.0.0/10, fd12::/16)';

function prefixMask(octets: number, prefix: number): Buffer {
  const mask = Buffer.alloc(octets);
  for (let bit = 0; bit < prefix; bit++) mask[bit >> 3] = (mask[bit >> 3] ?? 0) | (0x80 >> (bit & 7));
  return mask;
}

function maskToText(mask: Buffer): string {
  let ones = 0;
  for (const octet of mask) for (let bit = 7; bit >= 0; bit--) ones += (octet >> bit) & 1;
  return prefixMask(mask.length, ones).equals(mask) ? String(ones) : mask.toString('hex');
}

function ipSubtree(address: Buffer, mask: Buffer): Subtree {
  return { kind: 'ip', address, mask, text: `${ipFromBytes(address)}/${maskToText(mask)}` };
}

/** One H2_SETUP_CA_PERMIT entry (or one built-in), or a usage error naming it. */
export function parseSubtree(raw: string): Subtree {
  const text = raw.trim();
  const bad = (why: string) => usageError(`${CA_PERMIT_VARIABLE} entry ${JSON.stringify(raw)} ${why}; expected ${PERMIT_ACCEPTED}`);
  if (text === '') throw bad('is empty');
  const slash = text.indexOf('/');
  const addressText = slash === -1 ? text : text.slice(0, slash);
  const address = ipToBytes(addressText.startsWith('[') && addressText.endsWith(']') ? addressText.slice(1, -1) : addressText);
  if (address) {
    const bits = address.length * 8;
    const prefixText = slash === -1 ? String(bits) : text.slice(slash + 1);
    const prefix = /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : Number.NaN;
    if (!(prefix >= 0 && prefix <= bits)) throw bad(`has a bad prefix length (0 to ${bits} for this address)`);
    const mask = prefixMask(address.length, prefix);
    const network = Buffer.from(address.map((octet, i) => octet & (mask[i] ?? 0)));
    if (!network.equals(address)) throw bad(`has bits set outside its /${prefix} prefix (the range starts at ${ipFromBytes(network)}/${prefix})`);
    return ipSubtree(network, mask);
  }
  if (slash !== -1 || /^[0-9.]+$/.test(text) || text.includes(':')) throw bad('is not a valid IP address or CIDR range');
  // ".corp.lan" is accepted as the same thing as "corp.lan": see LOCAL_DNS_SUBTREES.
  const name = text.toLowerCase().replace(/^\./, '').replace(/\.$/, '');
  if (name.includes('*')) throw bad('has a wildcard; a name already permits all its subdomains');
  if (name.length > 253 || !name.split('.').every((label) => DNS_LABEL.test(label))) throw bad('is not a valid DNS name');
  return { kind: 'dns', value: name };
}

export function subtreeText(subtree: Subtree): string {
  if (subtree.kind === 'dns') return subtree.value;
  return subtree.kind === 'ip' ? subtree.text : `(GeneralName tag 0x${subtree.tag.toString(16)})`;
}

function subtreeKey(subtree: Subtree): string {
  return `${subtree.kind}:${subtreeText(subtree)}`;
}

/** The entries of H2_SETUP_CA_PERMIT (none when unset or blank); any bad entry is a usage error. */
export function parseCaPermit(raw: string | undefined): Subtree[] {
  if (!raw || raw.trim() === '') return [];
  return raw.split(',').map(parseSubtree);
}

/** What a CA created now permits: the local names and addresses, plus H2_SETUP_CA_PERMIT. */
export function caPermittedSubtrees(env: NodeJS.ProcessEnv = process.env): Subtree[] {
  const all = [...LOCAL_DNS_SUBTREES, ...LOCAL_IP_SUBTREES].map(parseSubtree).concat(parseCaPermit(env[CA_PERMIT_VARIABLE]));
  const seen = new Set<string>();
  return all.filter((subtree) => !seen.has(subtreeKey(subtree)) && seen.add(subtreeKey(subtree)));
}

/**
 * The CA's nameConstraints extension: NameConstraints ::= SEQUENCE { permittedSubtrees [0]
 * GeneralSubtrees, ... }; GeneralSubtree ::= SEQUENCE { base GeneralName } (minimum 0 and no
 * maximum are the defaults, which DER omits); GeneralName dNSName is [2] IA5String (0x82),
 * iPAddress [7] OCTET STRING (0x87) holding the address then the mask.
 */
export function nameConstraintsOf(permitted: readonly Subtree[]): Asn1 {
  const subtrees = permitted.map((subtree) => {
    if (subtree.kind === 'dns') return sequence([implicitPrimitive(2, Buffer.from(subtree.value, 'ascii'))]);
    if (subtree.kind === 'ip') return sequence([implicitPrimitive(7, Buffer.concat([subtree.address, subtree.mask]))]);
    throw new Error(`cannot encode a GeneralName with tag ${subtree.tag}`);
  });
  return nameConstraints(sequence([implicitConstructed(0, subtrees)]));
}

/** The identifier octet of a parsed value (class, constructed bit, tag number), for naming a GeneralName we do not read. */
function tagOctet(value: Asn1 | undefined): number {
  return value ? value.tagClass | (value.constructed ? 0x20 : 0) | value.type : 0;
}

function decodeSubtrees(generalSubtrees: Asn1 | undefined): Subtree[] {
  if (generalSubtrees === undefined) return [];
  return children(generalSubtrees, 'GeneralSubtrees').map((generalSubtree): Subtree => {
    const base = children(generalSubtree, 'GeneralSubtree')[0];
    if (isTag(base, 2, true) && !base.constructed) return { kind: 'dns', value: bytesOf(base, 'dNSName').toString('ascii').toLowerCase() };
    if (isTag(base, 7, true) && !base.constructed) {
      const octets = bytesOf(base, 'iPAddress');
      if (octets.length === 8 || octets.length === 32) {
        const half = octets.length / 2;
        return ipSubtree(Buffer.from(octets.subarray(0, half)), Buffer.from(octets.subarray(half)));
      }
    }
    return { kind: 'other', tag: tagOctet(base) };
  });
}

/** The CA certificate's name constraints, or undefined when it has none (an unconstrained CA). */
export function readNameConstraints(caCert: X509Certificate | string | Buffer): NameConstraints | undefined {
  const certificate = caCert instanceof X509Certificate ? caCert : new X509Certificate(caCert);
  const extension = readCertificateFields(certificate.raw).nameConstraints;
  if (!extension) return undefined;
  const parts = children(extension.value, 'NameConstraints');
  return {
    critical: extension.critical,
    permitted: decodeSubtrees(parts.find((part) => isTag(part, 0, true))),
    excluded: decodeSubtrees(parts.find((part) => isTag(part, 1, true))),
  };
}

/**
 * RFC 5280's dNSName rule as OpenSSL, NSS and Chromium apply it: the constraint
 * itself, or the constraint with labels added on the left. A leading dot in a
 * constraint (not ours, maybe another tool's) means subdomains only. Wildcard names
 * are compared as written, as the clients do (`*.app.test` is inside `test`).
 */
function dnsMatches(name: string, constraint: string): boolean {
  const host = name.toLowerCase().replace(/\.$/, '');
  const base = constraint.toLowerCase().replace(/\.$/, '');
  if (base === '') return true;
  if (base.startsWith('.')) return host.endsWith(base);
  return host === base || host.endsWith(`.${base}`);
}

function ipMatches(address: Buffer, subtree: Extract<Subtree, { kind: 'ip' }>): boolean {
  if (address.length !== subtree.address.length) return false;
  return address.every((octet, i) => (octet & (subtree.mask[i] ?? 0)) === (subtree.address[i] ?? 0));
}

function matches(host: Host, subtree: Subtree): boolean {
  if (host.kind === 'dns') return subtree.kind === 'dns' && dnsMatches(host.value, subtree.value);
  const address = ipToBytes(host.value);
  return subtree.kind === 'ip' && address !== undefined && ipMatches(address, subtree);
}

/** RFC 5280: a name type with no permitted subtree is unconstrained; an excluded match always loses. */
export function isHostPermitted(host: Host, constraints: NameConstraints): boolean {
  if (constraints.excluded.some((subtree) => matches(host, subtree))) return false;
  const sameKind = constraints.permitted.filter((subtree) => subtree.kind === host.kind);
  return sameKind.length === 0 || sameKind.some((subtree) => matches(host, subtree));
}

/** The hosts a CA with these constraints cannot vouch for (none for an unconstrained CA). */
export function hostsOutsideConstraints(hosts: readonly Host[], constraints: NameConstraints | undefined): Host[] {
  return constraints ? hosts.filter((host) => !isHostPermitted(host, constraints)) : [];
}

/** The subtrees a CA permits beyond the built-in local ones (what its H2_SETUP_CA_PERMIT was). */
export function extraPermitted(constraints: NameConstraints): Subtree[] {
  const builtIn = new Set(caPermittedSubtrees({}).map(subtreeKey));
  return constraints.permitted.filter((subtree) => !builtIn.has(subtreeKey(subtree)));
}

/** How to replace the local CA in `caDirectory` by a new one made with `permit` (may be empty). */
export function replaceCaCommand(caDirectory: string, permit: readonly string[]): string {
  const make = permit.length > 0 ? `${CA_PERMIT_VARIABLE}=${shellQuote(permit.join(','))} h2-setup certs --install-ca` : 'h2-setup certs --install-ca';
  return `h2-setup certs --uninstall-ca && rm -rf ${shellQuote(caDirectory)} && ${make}`;
}

/**
 * The usage error for `--ca --host NAME` when the CA's constraints leave NAME out:
 * which name(s), what the CA permits, and the commands that make a CA that permits
 * them (keeping whatever the old CA permitted beyond the built-in list).
 */
export function outsideConstraintsError(outside: readonly Host[], constraints: NameConstraints, caDirectory: string): H2SetupError {
  const names = outside.map((host) => host.value);
  const permit = [...extraPermitted(constraints).map(subtreeText), ...names];
  return usageError(
    `--host ${names.join(', ')} ${names.length === 1 ? 'is' : 'are'} outside the names the local CA may vouch for (${constraints.permitted.map(subtreeText).join(', ')})`,
    `to make a CA that permits ${names.length === 1 ? 'it' : 'them'}, replace the CA, then make the pair again: ${replaceCaCommand(caDirectory, permit)}`,
  );
}

/** For --check and --install-ca: the line that reports a CA made before constraints existed. */
export function unconstrainedCaNotice(caDirectory: string): { detail: string; fix: string } {
  return {
    detail: `the local CA in ${caDirectory} has no name constraints: if its key leaks, it can vouch for any site to the machines that trust it`,
    fix: `replace it with a constrained one (and remake pairs with --ca --force): ${replaceCaCommand(caDirectory, [])}`,
  };
}

/**
 * The constraints a `--ca` leaf will be signed under: the existing local CA's (none
 * for an old, unconstrained CA), or, when there is no CA yet, those of the CA that
 * signing would create (so the refusal comes before the CA is made).
 */
export function localCaConstraints(env: NodeJS.ProcessEnv = process.env): { directory: string; constraints: NameConstraints | undefined; exists: boolean } {
  const directory = caRootDirectory(env);
  const certPath = join(directory, CA_CERT_FILE);
  if (pathKind(certPath) === 'file') {
    try {
      return { directory, constraints: readNameConstraints(readFileSync(certPath)), exists: true };
    } catch {
      // Unreadable or damaged: loading the CA reports that, with its own fix.
      return { directory, constraints: undefined, exists: true };
    }
  }
  return { directory, constraints: { critical: true, permitted: caPermittedSubtrees(env), excluded: [] }, exists: false };
}

/** For `certs --ca`/`--client`/`--csr`: a usage error, before anything is written, when the local CA may not vouch for a host. */
export function assertHostsPermittedByLocalCa(hosts: readonly Host[], env: NodeJS.ProcessEnv = process.env): void {
  const { directory, constraints } = localCaConstraints(env);
  const outside = hostsOutsideConstraints(hosts, constraints);
  if (constraints && outside.length > 0) throw outsideConstraintsError(outside, constraints, directory);
}

/** The local CA that signed the pair: whether it is name-constrained (a CA made before h2-setup
 *  constrained its CAs is not), and what it permits. */
export interface CaConstraintsReport {
  constrained: boolean;
  permitted: string[];
  /** For an unconstrained CA: what that means, and how to replace it. */
  detail?: string;
  fix?: string;
}

/** A CA made before h2-setup constrained its CAs keeps working (replacing it would break every
 *  trust store it is in), and is reported as unconstrained, with how to replace it. */
export function caConstraintsOf(ca: X509Certificate): CaConstraintsReport {
  let constraints: ReturnType<typeof readNameConstraints>;
  try {
    constraints = readNameConstraints(ca);
  } catch {
    constraints = undefined;
  }
  if (constraints) return { constrained: true, permitted: constraints.permitted.map(subtreeText) };
  return { constrained: false, permitted: [], ...unconstrainedCaNotice(caRootDirectory()) };
}
