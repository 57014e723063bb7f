import { X509Certificate } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { usageError } from '../errors.js';
import { writeFilesAtomically } from '../files.js';
import { checkDirectoryPath, pathExists, pathKind } from '../paths.js';
import { CA_CERT_BESIDE_PAIR } from './file-names.js';
import { type Host, parseHosts } from './hosts.js';
import { privateKeyToPem, publicKeyToPem, startRsaKeyGeneration } from './keys.js';
import { loadOrCreateLocalCa } from './local-ca.js';
import { CLOCK_SKEW_MS, DEFAULT_CERT_FILE, DEFAULT_KEY_FILE, type KeyBits, parseBits, parseDays } from './profile.js';
import { buildSignedCertificate, loadForge, serverLeafExtensions } from './x509-builder.js';

export interface GenerateOptions {
  outDir?: string;
  hosts?: readonly string[];
  days?: string | number;
  bits?: string | number;
  keyFile?: string;
  certFile?: string;
  force?: boolean;
  /** Sign with the local development CA (created on first use) instead of self-signing. */
  ca?: boolean;
}

export interface CertificateSummary {
  keyPath: string;
  certPath: string;
  hosts: Host[];
  commonName: string;
  bits: number;
  serial: string;
  notBefore: string;
  notAfter: string;
  days: number;
  fingerprintSha256: string;
  signatureAlgorithm: 'sha256WithRSAEncryption';
  /** Set when the leaf was signed by the local CA. */
  ca?: {
    /** The CA certificate written beside the pair (public part only). */
    certPath: string;
    /** Where the CA itself lives (its key never leaves it). */
    directory: string;
    subject: string;
    created: boolean;
    fingerprintSha256: string;
  };
}

export { CA_CERT_BESIDE_PAIR } from './file-names.js';

interface GeneratePlan {
  hosts: Host[];
  days: number;
  bits: KeyBits;
  keyPath: string;
  certPath: string;
  caCertPath: string | undefined;
  outDir: string;
}

/** Everything that can be wrong with the input is found here, before any file or
 *  directory is touched. */
export function planGeneration(options: GenerateOptions): GeneratePlan {
  const hosts = parseHosts(options.hosts);
  const days = parseDays(options.days);
  const bits = parseBits(options.bits);
  const outDir = checkDirectoryPath(options.outDir ?? '.', '--out-dir');
  const keyPath = resolve(outDir, options.keyFile ?? DEFAULT_KEY_FILE);
  const certPath = resolve(outDir, options.certFile ?? DEFAULT_CERT_FILE);
  if (keyPath === certPath) throw usageError('--key and --cert name the same file; expected two different file names');
  const caCertPath = options.ca ? resolve(outDir, CA_CERT_BESIDE_PAIR) : undefined;
  if (caCertPath !== undefined && (caCertPath === keyPath || caCertPath === certPath)) {
    throw usageError(`--key and --cert must not be ${CA_CERT_BESIDE_PAIR} with --ca: that name is kept for the CA certificate`);
  }
  for (const [flag, path] of [
    ['--key', keyPath],
    ['--cert', certPath],
  ] as const) {
    checkDirectoryPath(resolve(path, '..'), flag);
    const kind = pathKind(path);
    if (kind === 'directory' || kind === 'other') {
      throw usageError(`${flag} ${JSON.stringify(path)} is a directory; expected a file path`);
    }
  }
  if (!options.force) {
    const existing = [keyPath, certPath, ...(caCertPath ? [caCertPath] : [])].filter(pathExists);
    if (existing.length > 0) {
      throw usageError(
        `${existing.join(' and ')} already exist${existing.length === 1 ? 's' : ''}; pass --force to replace ${existing.length === 1 ? 'it' : 'them'}`,
      );
    }
  }
  return { hosts, days, bits, keyPath, certPath, caCertPath, outDir };
}

/**
 * `h2-setup certs`: a fresh RSA key and an X.509 v3 certificate for the given hosts,
 * self-signed or (with `ca`) signed by the local development CA, written as
 * private-key.pem (PKCS#8, 0600) and public-cert.pem (plus ca-cert.pem with `ca`).
 */
export async function generateCertificates(options: GenerateOptions): Promise<CertificateSummary> {
  const plan = planGeneration(options);
  // Start OpenSSL's prime search first; node-forge loads while it runs.
  const keyPairPromise = startRsaKeyGeneration(plan.bits);
  const forge = await loadForge();

  const ca = options.ca ? await loadOrCreateLocalCa(forge) : undefined;
  const { privateKey, publicKey } = await keyPairPromise;

  const now = Date.now();
  const notBefore = new Date(now - CLOCK_SKEW_MS);
  // The validity period (notAfter - notBefore) is what Apple's 825-day limit counts,
  // so it is measured from the back-dated notBefore.
  const notAfter = new Date(notBefore.getTime() + plan.days * 86_400_000);
  const commonName = plan.hosts[0]?.value ?? 'localhost';
  const subject = [
    { name: 'commonName', value: commonName },
    { name: 'organizationName', value: 'h2-setup development certificate' },
  ];
  const extensions = serverLeafExtensions(plan.hosts);
  if (ca) extensions.push({ name: 'authorityKeyIdentifier', keyIdentifier: forge.util.hexToBytes(ca.subjectKeyIdentifier) });
  const { pem: certPem, serialHex } = buildSignedCertificate(forge, {
    subjectPublicKeyPem: publicKeyToPem(publicKey),
    subject,
    issuer: ca?.subject,
    signingKey: ca?.privateKey ?? privateKey,
    notBefore,
    notAfter,
    extensions,
  });

  for (const path of [plan.keyPath, plan.certPath]) mkdirSync(dirname(path), { recursive: true });
  writeFilesAtomically([
    { path: plan.keyPath, contents: privateKeyToPem(privateKey), mode: 0o600 },
    { path: plan.certPath, contents: certPem, mode: 0o644 },
    ...(ca && plan.caCertPath ? [{ path: plan.caCertPath, contents: ca.certPem, mode: 0o644 }] : []),
  ]);

  return {
    keyPath: plan.keyPath,
    certPath: plan.certPath,
    hosts: plan.hosts,
    commonName,
    bits: plan.bits,
    serial: serialHex,
    notBefore: notBefore.toISOString(),
    notAfter: notAfter.toISOString(),
    days: plan.days,
    fingerprintSha256: new X509Certificate(certPem).fingerprint256,
    signatureAlgorithm: 'sha256WithRSAEncryption',
    ...(ca && plan.caCertPath
      ? {
          ca: {
            certPath: plan.caCertPath,
            directory: ca.directory,
            subject: ca.certificate.subject.replace(/\n/g, ', '),
            created: ca.created,
            fingerprintSha256: ca.certificate.fingerprint256,
          },
        }
      : {}),
  };
}
