/**
 * `h2-setup certs` as one function: the pair written to disk (generate.ts) and the two
 * ways to make Node trust it. Its result is the `certs --json` document, and the library's
 * writeCertificates(): the command and the library call this, so the two cannot drift.
 */
import { shellQuote } from '../common/index.js';
import { type CertificateSummary, generateCertificates } from './generate.js';

/** The library's options: the `certs` flags in camelCase, with their real types. */
export interface WriteCertificatesOptions {
  /** Where to write (created when missing); default the current directory. */
  outDir?: string;
  /** DNS names and IP addresses to cover; default localhost, 127.0.0.1, ::1. */
  hosts?: string[];
  /** 1 to 825; default 365. */
  days?: number;
  /** Default 'rsa'. */
  keyType?: 'rsa' | 'ecdsa';
  /** RSA only; default 2048. */
  bits?: 2048 | 3072 | 4096;
  /** The key's file name, relative to outDir; default private-key.pem (client-key.pem with client). */
  key?: string;
  /** The certificate's file name, relative to outDir; default public-cert.pem (client-cert.pem with client). */
  cert?: string;
  /** Replace existing files (never done without it). */
  force?: boolean;
  /** Sign with the local development CA (created on first use) and write ca-cert.pem beside the pair. */
  ca?: boolean;
  /** A client certificate for mutual TLS (implies ca). */
  client?: boolean;
  /** Sign this certificate request (a PEM file) with the local CA instead of making a key (implies ca). */
  csr?: string;
  /** Also write bundle.p12; its password comes from p12Password or H2_SETUP_P12_PASSWORD. */
  p12?: boolean;
  /** The PKCS#12 password (there is no default password). */
  p12Password?: string;
}

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
export async function writeCertificates(options: WriteCertificatesOptions, askPassword?: () => Promise<string>): Promise<CertsResult> {
  const summary = await generateCertificates(
    {
      outDir: options.outDir,
      hosts: options.hosts,
      days: options.days,
      bits: options.bits,
      keyType: options.keyType,
      keyFile: options.key,
      certFile: options.cert,
      force: options.force,
      ca: options.ca,
      client: options.client,
      csr: options.csr,
      p12: options.p12,
    },
    options.p12Password !== undefined ? async () => options.p12Password as string : askPassword,
  );
  return { ...summary, trust: nodeTrust(summary.ca?.certPath ?? summary.certPath) };
}
