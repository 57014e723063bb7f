/**
 * Node and the system trust store. Which Node lines can read it, from Node's own changelogs
 * (checked in those shipped with Node 22.23.5 and 24.22.3): `--use-system-ca` reads the
 * OpenSSL store on Linux from 22.15.0 (#57009; 23.8.0 on the 23 line, where macOS and Windows
 * came first), and NODE_USE_SYSTEM_CA=1 means the same from 22.19.0 and 24.6.0 (#59276).
 * Node 20 has neither. Whether the store holds a CA is asked of the running Node itself
 * (tls.getCACertificates('system'), which reads what --use-system-ca reads, SSL_CERT_FILE
 * included), so the line h2-setup prints is one that works for the Node that runs it.
 */
import { shellQuote } from '../../common/index.js';

export const USE_SYSTEM_CA_FROM = 'Node 22.15';
export const NODE_USE_SYSTEM_CA_FROM = 'Node 22.19 and 24.6';

/** What this Node line offers: the --use-system-ca flag, and the NODE_USE_SYSTEM_CA=1 variable. */
export function systemCaSupport(version: string = process.versions.node): { flag: boolean; variable: boolean } {
  const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number);
  return {
    flag: major >= 24 || (major === 23 && minor >= 8) || (major === 22 && minor >= 15),
    variable: major >= 25 || (major === 24 && minor >= 6) || (major === 22 && minor >= 19),
  };
}

const pemBody = (pem: string): string => pem.replace(/-----[^-]+-----|\s/g, '');

/** Whether the system store this Node reads holds `certPem`; undefined when this Node cannot say (before 22.15). */
export function inSystemStore(certPem: string): boolean | undefined {
  // node:tls loaded here, for a CA-signed pair only: write.ts imports this module for every pair.
  const tls = process.getBuiltinModule('node:tls');
  // Not in Node 20's types: tls.getCACertificates came with 22.15.
  const list = (tls as { getCACertificates?: (type: 'system') => string[] }).getCACertificates;
  if (typeof list !== 'function') return undefined;
  const wanted = pemBody(certPem);
  return list('system').some((pem) => pemBody(pem) === wanted);
}

/** The shortest command line that makes a Node process trust a CA, and from which Node line on it works. */
export interface NodeTrustLine {
  command: string;
  worksFrom: string;
}

/** For the running Node: `node --use-system-ca` when the CA is in the store it reads, else NODE_EXTRA_CA_CERTS. */
export function shortestNodeLine(caCertPath: string, caPem: string | undefined): NodeTrustLine {
  if (caPem !== undefined && systemCaSupport().flag && inSystemStore(caPem)) {
    return {
      command: 'node --use-system-ca your-client.js',
      worksFrom: `${USE_SYSTEM_CA_FROM} and later; NODE_USE_SYSTEM_CA=1 does the same from ${NODE_USE_SYSTEM_CA_FROM}`,
    };
  }
  return { command: `NODE_EXTRA_CA_CERTS=${shellQuote(caCertPath)} node your-client.js`, worksFrom: 'every Node line' };
}

/** What to say about the system store when the line is NODE_EXTRA_CA_CERTS: why, and what would change it. */
export function systemStoreHint(): string {
  if (!systemCaSupport().flag) return `This Node (${process.version}) cannot read the system store; ${USE_SYSTEM_CA_FROM} and later can, with --use-system-ca.`;
  return `Once the CA is in the system store (--install-ca), this Node (${process.version}) needs only: node --use-system-ca your-client.js (${USE_SYSTEM_CA_FROM} and later).`;
}
