/**
 * `h2-setup certs` as one function: the pair written to disk (generate.ts) and the two
 * ways to make Node trust it. Its result is the `certs --json` document, and the library's
 * writeCertificates(): the command and the library call this, so the two cannot drift.
 */
import { shellQuote } from '../common/index.js';
import { type CertificateSummary, generateCertificates } from './generate.js';
import type { CertsOptions } from './request.js';
// The one trust module it needs, not trust/index.ts, which would load every trust check, the
// local CA and all of x509 for every pair (bench/ecdsa.mjs).
import { shortestNodeLine } from './trust/node-system-ca.js';

// Not an import: see system/index.ts (an ES module import of node:fs costs every command CPU).
const { readFileSync } = process.getBuiltinModule('node:fs');

/** How a Node client trusts what was made: the CA certificate when a CA signed it, else the leaf. */
export interface NodeTrust {
  /** the `ca:` option of tls.connect / http2.connect */
  caOption: string;
  /** the same for a whole process, on every Node line */
  environment: string;
  /** The shortest line that works for the Node that ran this: `node --use-system-ca ...` when the
   *  CA is in the system store it reads, else the environment line. */
  shortest: string;
  /** From which Node line on `shortest` works. */
  worksFrom: string;
}

export type CertsResult = CertificateSummary & { trust: NodeTrust };

/** `certPath` is what the client trusts; `caSigned`: it is the local CA's certificate, which the system store may hold. */
export function nodeTrust(certPath: string, caSigned = false): NodeTrust {
  const environment = `NODE_EXTRA_CA_CERTS=${shellQuote(certPath)} node your-client.js`;
  const shortest = caSigned ? shortestNodeLine(certPath, readPem(certPath)) : { command: environment, worksFrom: 'every Node line' };
  return {
    caOption: `http2.connect(url, { ca: fs.readFileSync(${JSON.stringify(certPath)}) })`,
    environment,
    shortest: shortest.command,
    worksFrom: shortest.worksFrom,
  };
}

function readPem(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Writes the pair; `askPassword` is how --p12 gets a password no option or variable gave (the CLI asks at a terminal). */
export async function writeCertificates(options: CertsOptions, askPassword?: () => Promise<string>): Promise<CertsResult> {
  const summary = await generateCertificates(options, askPassword);
  return { ...summary, trust: nodeTrust(summary.ca?.certPath ?? summary.certPath, summary.ca !== undefined) };
}
