/**
 * `h2-setup certs` as one function: the pair written to disk (generate.ts) and the two
 * ways to make Node trust it. Its result is the `certs --json` document, and the library's
 * writeCertificates(): the command and the library call this, so the two cannot drift.
 */
import { shellQuote } from '../common/index.js';
import { type CertificateSummary, generateCertificates } from './generate.js';
import type { CertsOptions } from './request.js';

/** How a Node client trusts what was made: the CA certificate when a CA signed it, else the leaf. */
export interface NodeTrust {
  /** the `ca:` option of tls.connect / http2.connect */
  caOption: string;
  /** the same for a whole process */
  environment: string;
}

export type CertsResult = CertificateSummary & { trust: NodeTrust };

export function nodeTrust(certPath: string): NodeTrust {
  return {
    caOption: `http2.connect(url, { ca: fs.readFileSync(${JSON.stringify(certPath)}) })`,
    environment: `NODE_EXTRA_CA_CERTS=${shellQuote(certPath)} node your-client.js`,
  };
}

/** Writes the pair; `askPassword` is how --p12 gets a password no option or variable gave (the CLI asks at a terminal). */
export async function writeCertificates(options: CertsOptions, askPassword?: () => Promise<string>): Promise<CertsResult> {
  const summary = await generateCertificates(options, askPassword);
  return { ...summary, trust: nodeTrust(summary.ca?.certPath ?? summary.certPath) };
}
