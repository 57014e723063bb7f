import { createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { shellQuote } from '../common/index.js';
import { readRegularFile, UnreadableFileError } from '../system/index.js';
import { type CaConstraintsReport, caConstraintsOf, caRootDirectory } from './ca/index.js';
import { CERTIFICATE_CHECKS, type CheckedPair, covers, type IssuerFinding, type Problem, problemOf, REGENERATE, REMAKE } from './certificate-checks.js';
import {
  CA_CERT_BESIDE_PAIR,
  CA_CERT_FILE,
  certificateHostNames,
  DEFAULT_CERT_FILE,
  DEFAULT_HOSTS,
  DEFAULT_KEY_FILE,
  DEFAULT_OUT_DIR,
  parseHosts,
} from './profile/index.js';
import type { TrustVerdict } from './trust/index.js';
import {
  type CertificateFields,
  type CertificatePurpose,
  certificatePurpose,
  describeKey,
  keyMatchesCertificate as keyBelongsToCertificate,
  readCertificateFields,
  subjectAltNameHosts,
} from './x509/index.js';

export interface CheckOptions {
  outDir?: string;
  /** The key's file name, relative to outDir; default private-key.pem. */
  key?: string;
  /** The certificate's file name, relative to outDir; default public-cert.pem. */
  cert?: string;
  /** Hosts the certificate must cover, exactly these; default the hosts it names (a default
   *  host it lacks is then a note, not a problem). */
  hosts?: readonly string[];
  /** For tests and reproducible reports; defaults to now. */
  now?: Date;
  /** Ask each client whether it trusts the pair; default true. `--renew` skips it: who trusts a pair is not cured by remaking it. */
  trust?: boolean;
}

export interface CheckResult {
  ok: boolean;
  keyPath: string;
  certPath: string;
  problems: Problem[];
  /** The hosts judged: those asked for (--host), else the ones the certificate names (none for a client's). */
  hosts: string[];
  /** What is worth knowing but fails nothing: without `hosts`, the default hosts the certificate does not name. */
  notes: string[];
  certificate?: {
    subject: string;
    issuer: string;
    /** 'self-signed', or the CA certificate that verified the signature. */
    signedBy: string;
    subjectAltName: string | null;
    notBefore: string;
    notAfter: string;
    /** 'rsa', 'ecdsa', ... */
    keyType: string;
    /** ECDSA only: 'P-256', 'P-384' */
    curve?: string;
    bits: number | null;
    /** 'RSA-2048', 'ECDSA P-256' */
    keyLabel: string;
    signatureAlgorithm: string;
    /** What the certificate is for (its basicConstraints and extendedKeyUsage); a 'client' one is judged as a client's. */
    purpose: CertificatePurpose;
    fingerprintSha256: string;
  };
  /** Present when a CA certificate that signed the pair was found. Informational: never a problem. */
  caConstraints?: CaConstraintsReport;
  /** Who trusts the pair, asked of each client's own verifier. Informational: never a problem, so
   *  a self-signed pair still passes --check and --renew does not remake it on every run.
   *  Empty when the key and certificate could not be read or do not match. */
  trust?: TrustVerdict[];
}

/** --out-dir, --key, --cert, every --host and --ca as needed to remake the checked pair. */
function remakeFlags(options: CheckOptions, hostsToCover: readonly string[], caSigned: boolean, client = false): string {
  const flags: string[] = [];
  if (options.outDir !== undefined && resolve(options.outDir) !== resolve(DEFAULT_OUT_DIR)) flags.push('--out-dir', shellQuote(options.outDir));
  if (options.key !== undefined && options.key !== DEFAULT_KEY_FILE) flags.push('--key', shellQuote(options.key));
  if (options.cert !== undefined && options.cert !== DEFAULT_CERT_FILE) flags.push('--cert', shellQuote(options.cert));
  const names = certificateHostNames(hostsToCover);
  // The defaults need no flags.
  if (names.join(' ') !== DEFAULT_HOSTS.join(' ')) for (const name of names) flags.push('--host', shellQuote(name));
  // --client implies --ca, and its names are only the ones it had.
  if (client) flags.push('--client');
  else if (caSigned) flags.push('--ca');
  return flags.length > 0 ? ` ${flags.join(' ')}` : '';
}

/** A PEM key or certificate h2-setup reads is a few KiB; 1 MiB is far past any real one. */
const MAX_PEM_BYTES = 1024 * 1024;

function readText(path: string): { text?: string; error?: string } {
  try {
    return { text: readRegularFile(path, MAX_PEM_BYTES).toString('utf8') };
  } catch (error) {
    return { error: error instanceof UnreadableFileError ? error.reason : String(error) };
  }
}

function readKey(keyPath: string): { key?: KeyObject; problem?: Problem } {
  const text = readText(keyPath);
  if (text.error !== undefined) return { problem: problemOf('key-unreadable', `cannot read the private key ${keyPath}: ${text.error}`, REGENERATE) };
  try {
    return { key: createPrivateKey(text.text ?? '') };
  } catch {
    return { problem: problemOf('key-unreadable', `${keyPath} is not a PEM private key (expected -----BEGIN PRIVATE KEY-----)`, REGENERATE) };
  }
}

function readCert(certPath: string): { cert?: X509Certificate; problem?: Problem } {
  const text = readText(certPath);
  if (text.error !== undefined) return { problem: problemOf('cert-unreadable', `cannot read the certificate ${certPath}: ${text.error}`, REGENERATE) };
  try {
    return { cert: new X509Certificate(text.text ?? '') };
  } catch {
    return { problem: problemOf('cert-unreadable', `${certPath} is not a PEM certificate (expected -----BEGIN CERTIFICATE-----)`, REGENERATE) };
  }
}

/**
 * `h2-setup certs --check`: reads an existing key and certificate and reports every
 * problem a client or a server would trip over, each with what to do about it.
 */
export async function checkCertificates(options: CheckOptions): Promise<CheckResult> {
  const outDir = resolve(options.outDir ?? DEFAULT_OUT_DIR);
  const keyPath = resolve(outDir, options.key ?? DEFAULT_KEY_FILE);
  const certPath = resolve(outDir, options.cert ?? DEFAULT_CERT_FILE);
  // Asked for: exactly those hosts. Not asked: the hosts the certificate names, which it covers
  // by definition; the defaults it lacks are a note (a pair made for app.test alone is not broken).
  const hostsGiven = options.hosts !== undefined && options.hosts.length > 0;
  const hosts = hostsGiven ? parseHosts(options.hosts) : [];
  const now = options.now ?? new Date();

  const { key, problem: keyProblem } = readKey(keyPath);
  const { cert, problem: certProblem } = readCert(certPath);
  const readProblems = [keyProblem, certProblem].filter((entry): entry is Problem => entry !== undefined);
  if (!cert) {
    const flags = remakeFlags(options, hostsGiven ? hosts.map((host) => host.value) : [...DEFAULT_HOSTS], false);
    return { ok: false, keyPath, certPath, problems: withRemakeFlags(readProblems, flags), hosts: hosts.map((host) => host.value), notes: [] };
  }

  const fields = readFields(cert);
  const purpose: CertificatePurpose = fields ? certificatePurpose(fields) : 'other';
  const described = describeKey(cert.publicKey);
  const pair: CheckedPair = {
    keyPath,
    certPath,
    key,
    cert,
    hosts,
    now,
    notBefore: new Date(cert.validFrom),
    notAfter: new Date(cert.validTo),
    san: cert.subjectAltName ?? null,
    signatureAlgorithm: fields?.signatureAlgorithm ?? 'unknown',
    issuer: findIssuer(cert, certPath),
    fields,
    client: purpose === 'client',
  };
  const problems = [...readProblems, ...CERTIFICATE_CHECKS.flatMap((check) => check.run(pair))];

  // Remake the pair as it is meant to be: every name it has plus every name asked for, and
  // signed the same way (a CA-signed pair stays CA-signed).
  const hostsToCover = [...subjectAltNameHosts(pair.san).map((host) => host.value), ...(pair.client ? [] : hosts.map((host) => host.value))];
  const caSigned = pair.issuer.signedBy !== 'self-signed';
  const trust = options.trust !== false && key && keyBelongsToCertificate(key, cert) ? await askClients(cert, key, pair.issuer) : [];
  return {
    ok: problems.length === 0,
    keyPath,
    certPath,
    problems: withRemakeFlags(problems, remakeFlags(options, hostsToCover, caSigned, pair.client)),
    hosts: hostsGiven || pair.client ? hosts.map((host) => host.value) : certificateHostNames(subjectAltNameHosts(pair.san).map((host) => host.value)),
    notes: hostsGiven || pair.client || !pair.san ? [] : defaultHostsNote(cert, pair.san),
    certificate: {
      subject: cert.subject,
      issuer: cert.issuer,
      signedBy: pair.issuer.signedBy,
      subjectAltName: pair.san,
      notBefore: pair.notBefore.toISOString(),
      notAfter: pair.notAfter.toISOString(),
      keyType: described.type,
      ...('curve' in described ? { curve: described.curve } : {}),
      bits: described.bits,
      keyLabel: described.label,
      signatureAlgorithm: pair.signatureAlgorithm,
      purpose,
      fingerprintSha256: cert.fingerprint256,
    },
    ...(pair.issuer.ca ? { caConstraints: caConstraintsOf(pair.issuer.ca) } : {}),
    ...(options.trust !== false ? { trust } : {}),
  };
}

/** Without --host: the default hosts the certificate does not name, as one note. */
function defaultHostsNote(cert: X509Certificate, san: string): string[] {
  const missing = parseHosts(DEFAULT_HOSTS).filter((host) => !covers(cert, host));
  if (missing.length === 0) return [];
  const names = missing.map((host) => host.value).join(', ');
  return [
    `the certificate does not name ${names} (one of the defaults), so a client that connects by ${missing.length === 1 ? 'that name' : 'those names'} refuses it; it names ${san} (add --host to require other hosts)`,
  ];
}

/** The extensions and signature algorithm from the DER, without node-forge; a certificate
 *  Node reads but this parser does not is judged on what Node says. */
function readFields(cert: X509Certificate): CertificateFields | undefined {
  try {
    return readCertificateFields(cert.raw);
  } catch {
    return undefined;
  }
}

/** The trust section: each client asked with the pair itself (trust/ loads only here). */
async function askClients(cert: X509Certificate, key: KeyObject, issuer: IssuerFinding): Promise<TrustVerdict[]> {
  const { checkTrust } = await import('./trust/index.js');
  const keyPem = key.export({ type: 'pkcs8', format: 'pem' }).toString();
  const caCertPath = issuer.ca ? issuer.signedBy : undefined;
  return checkTrust(cert.toString(), keyPem, issuer.ca?.toString(), { caCertPath, caDirectory: caRootDirectory(), env: process.env });
}

function readCertificate(path: string): X509Certificate | undefined {
  try {
    return new X509Certificate(readRegularFile(path, MAX_PEM_BYTES));
  } catch {
    return undefined;
  }
}

/**
 * Who signed the certificate, and whether that signature holds: a self-signed leaf
 * must verify with its own key; a CA-signed one with ca-cert.pem beside it (what
 * `certs --ca` writes) or, failing that, the local CA in its per-user directory.
 */
function findIssuer(cert: X509Certificate, certPath: string): IssuerFinding {
  // Not checkIssued(cert): OpenSSL's issuer check also demands keyCertSign, which a
  // self-signed server leaf rightly does not have.
  if (cert.issuer === cert.subject) {
    return {
      signedBy: 'self-signed',
      problems: cert.verify(cert.publicKey)
        ? []
        : [
            problemOf(
              'bad-signature',
              "the self-signed certificate's signature does not verify with its own key: the file is damaged or was edited",
              REGENERATE,
            ),
          ],
    };
  }
  const beside = join(dirname(certPath), CA_CERT_BESIDE_PAIR);
  const candidates = [beside, join(caRootDirectory(), CA_CERT_FILE)];
  const issuerName = cert.issuer.replace(/\n/g, ', ');
  const problems: Problem[] = [];
  for (const path of candidates) {
    const ca = readCertificate(path);
    if (!ca) continue;
    // OpenSSL's issuer check: names, authorityKeyIdentifier vs subjectKeyIdentifier, keyCertSign.
    if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey)) {
      if (path === beside) {
        problems.push(
          problemOf(
            'ca-mismatch',
            `${beside} is not the CA that signed the certificate: a client given it as ca: will reject the server`,
            `${REGENERATE}, which writes the matching ${CA_CERT_BESIDE_PAIR}`,
          ),
        );
      }
      continue;
    }
    return { signedBy: path, ca, problems };
  }
  problems.push(
    problemOf(
      'unknown-issuer',
      `the certificate is signed by ${issuerName}, but no CA certificate for it was found (looked for ${candidates.join(' and ')})`,
      `put that CA's certificate beside it as ${CA_CERT_BESIDE_PAIR}, or ${REGENERATE}`,
    ),
  );
  return { signedBy: 'unknown', problems };
}

function withRemakeFlags(problems: Problem[], flags: string): Problem[] {
  return problems.map((entry) => ({ ...entry, fix: entry.fix.replaceAll(`\`${REMAKE}`, `\`${REMAKE}${flags}`) }));
}
