import { createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { shellQuote } from '../shell-quote.js';
import { CA_CERT_FILE, caRootDirectory } from './ca-root.js';
import { CA_CERT_BESIDE_PAIR } from './generate.js';
import { DEFAULT_HOSTS, type Host, parseHost, parseHosts } from './hosts.js';
import { DEFAULT_CERT_FILE, DEFAULT_KEY_FILE, DEFAULT_OUT_DIR, EXPIRY_WARNING_DAYS, MAX_DAYS } from './profile.js';
import { signatureAlgorithmOf } from './signature-algorithm.js';
import { loadForge } from './x509-builder.js';

export interface CheckOptions {
  outDir?: string;
  keyFile?: string;
  certFile?: string;
  /** Hosts the certificate must cover; defaults to localhost, 127.0.0.1 and ::1. */
  hosts?: readonly string[];
  /** For tests and reproducible reports; defaults to now. */
  now?: Date;
}

export type ProblemCode =
  | 'key-unreadable'
  | 'cert-unreadable'
  | 'mismatch'
  | 'expired'
  | 'not-yet-valid'
  | 'expiring-soon'
  | 'validity-too-long'
  | 'weak-key'
  | 'weak-signature'
  | 'no-san'
  | 'host-not-covered'
  | 'no-server-auth'
  | 'unknown-issuer'
  | 'bad-signature'
  | 'ca-expired'
  | 'ca-mismatch';

export interface Problem {
  code: ProblemCode;
  message: string;
  fix: string;
}

export interface CheckResult {
  ok: boolean;
  keyPath: string;
  certPath: string;
  problems: Problem[];
  certificate?: {
    subject: string;
    issuer: string;
    /** 'self-signed', or the CA certificate that verified the signature. */
    signedBy: string;
    subjectAltName: string | null;
    notBefore: string;
    notAfter: string;
    keyType: string;
    bits: number | null;
    signatureAlgorithm: string;
    fingerprintSha256: string;
  };
}

/** The command every fix starts from; checkCertificates() adds the flags that remake this
 *  very pair (its directory, file names, hosts, CA) once it knows them. */
const REMAKE = 'h2-setup certs --force';
function regenerate(flags = ''): string {
  return `run \`${REMAKE}${flags ? ` ${flags}` : ''}\` to make a new pair`;
}
const REGENERATE = regenerate();

/** The names in a subjectAltName as Node prints it ("DNS:a, IP Address:b"). */
function subjectAltNameHosts(san: string | null): string[] {
  if (!san) return [];
  return san
    .split(/,\s*/)
    .map((entry) => /^(?:DNS|IP Address):(.+)$/.exec(entry.trim())?.[1])
    .filter((value): value is string => value !== undefined);
}

/** --out-dir, --key, --cert, every --host and --ca as needed to remake the checked pair. */
function remakeFlags(options: CheckOptions, hostsToCover: readonly string[], caSigned: boolean): string {
  const flags: string[] = [];
  if (options.outDir !== undefined && resolve(options.outDir) !== resolve('.')) flags.push('--out-dir', shellQuote(options.outDir));
  if (options.keyFile !== undefined && options.keyFile !== DEFAULT_KEY_FILE) flags.push('--key', shellQuote(options.keyFile));
  if (options.certFile !== undefined && options.certFile !== DEFAULT_CERT_FILE) flags.push('--cert', shellQuote(options.certFile));
  const names: string[] = [];
  for (const raw of hostsToCover) {
    try {
      const { value } = parseHost(raw);
      if (!names.includes(value)) names.push(value);
    } catch {
      // not a name h2-setup can put in a certificate (an email SAN, say): leave it out
    }
  }
  // The defaults need no flags.
  if (names.join(' ') !== DEFAULT_HOSTS.join(' ')) for (const name of names) flags.push('--host', shellQuote(name));
  if (caSigned) flags.push('--ca');
  return flags.length > 0 ? ` ${flags.join(' ')}` : '';
}
const SERVER_AUTH_OID = '1.3.6.1.5.5.7.3.1';
const DAY_MS = 86_400_000;

function readText(path: string): { text?: string; error?: string } {
  try {
    return { text: readFileSync(path, 'utf8') };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return {
      error: code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : String(code ?? error),
    };
  }
}

function covers(cert: X509Certificate, host: Host): boolean {
  // subject: 'never' — modern clients (Chrome since 58, Go, Node) ignore the
  // commonName, so the check must too.
  return host.kind === 'ip' ? cert.checkIP(host.value) !== undefined : cert.checkHost(host.value, { subject: 'never' }) !== undefined;
}

/**
 * `h2-setup certs --check`: reads an existing key and certificate and reports every
 * problem a client or a server would trip over, each with what to do about it.
 */
export async function checkCertificates(options: CheckOptions): Promise<CheckResult> {
  const outDir = resolve(options.outDir ?? DEFAULT_OUT_DIR);
  const keyPath = resolve(outDir, options.keyFile ?? DEFAULT_KEY_FILE);
  const certPath = resolve(outDir, options.certFile ?? DEFAULT_CERT_FILE);
  const hosts = parseHosts(options.hosts);
  const now = options.now ?? new Date();
  const problems: Problem[] = [];
  const problem = (code: ProblemCode, message: string, fix: string) => problems.push({ code, message, fix });

  let key: KeyObject | undefined;
  const keyText = readText(keyPath);
  if (keyText.error !== undefined) {
    problem('key-unreadable', `cannot read the private key ${keyPath}: ${keyText.error}`, REGENERATE);
  } else {
    try {
      key = createPrivateKey(keyText.text ?? '');
    } catch {
      problem('key-unreadable', `${keyPath} is not a PEM private key (expected -----BEGIN PRIVATE KEY-----)`, REGENERATE);
    }
  }

  let cert: X509Certificate | undefined;
  const certText = readText(certPath);
  if (certText.error !== undefined) {
    problem('cert-unreadable', `cannot read the certificate ${certPath}: ${certText.error}`, REGENERATE);
  } else {
    try {
      cert = new X509Certificate(certText.text ?? '');
    } catch {
      problem('cert-unreadable', `${certPath} is not a PEM certificate (expected -----BEGIN CERTIFICATE-----)`, REGENERATE);
    }
  }

  if (!cert)
    return {
      ok: false,
      keyPath,
      certPath,
      problems: withRemakeFlags(
        problems,
        remakeFlags(
          options,
          hosts.map((host) => host.value),
          false,
        ),
      ),
    };

  if (key && !cert.checkPrivateKey(key)) {
    problem(
      'mismatch',
      `the private key ${keyPath} does not match the certificate ${certPath}: a TLS server cannot start with them`,
      `${REGENERATE}, which writes both together`,
    );
  }

  const notBefore = new Date(cert.validFrom);
  const notAfter = new Date(cert.validTo);
  if (notAfter.getTime() <= now.getTime()) {
    problem('expired', `the certificate expired on ${notAfter.toISOString()}`, REGENERATE);
  } else if (notBefore.getTime() > now.getTime()) {
    problem('not-yet-valid', `the certificate is not valid until ${notBefore.toISOString()} (check this machine's clock)`, REGENERATE);
  } else {
    const daysLeft = Math.floor((notAfter.getTime() - now.getTime()) / DAY_MS);
    if (daysLeft < EXPIRY_WARNING_DAYS) {
      problem('expiring-soon', `the certificate expires in ${daysLeft} day${daysLeft === 1 ? '' : 's'}, on ${notAfter.toISOString()}`, REGENERATE);
    }
  }
  const validityDays = (notAfter.getTime() - notBefore.getTime()) / DAY_MS;
  if (validityDays > MAX_DAYS) {
    problem(
      'validity-too-long',
      `the certificate is valid for ${Math.round(validityDays)} days; Apple platforms reject TLS server certificates valid for more than ${MAX_DAYS}`,
      regenerate('--days 365'),
    );
  }

  const details = cert.publicKey.asymmetricKeyDetails;
  const keyType = cert.publicKey.asymmetricKeyType ?? 'unknown';
  const bits = details?.modulusLength ?? null;
  if ((keyType === 'rsa' || keyType === 'rsa-pss' || keyType === 'dsa') && bits !== null && bits < 2048) {
    problem(
      'weak-key',
      `the key is ${keyType.toUpperCase()}-${bits}; clients and OpenSSL's default security level refuse keys under 2048 bits`,
      `${REGENERATE} (RSA-2048 by default)`,
    );
  }

  const signatureAlgorithm = signatureAlgorithmOf(await loadForge(), cert.raw);
  if (/sha1|md5|md2/i.test(signatureAlgorithm)) {
    problem(
      'weak-signature',
      `the certificate is signed with ${signatureAlgorithm}; browsers and OpenSSL 3 reject SHA-1 and MD5 signatures`,
      `${REGENERATE} (signed with SHA-256)`,
    );
  }

  const san = cert.subjectAltName ?? null;
  if (!san) {
    problem(
      'no-san',
      'the certificate has no subjectAltName; clients ignore the commonName and accept no host name for it',
      `${REGENERATE}, with a --host for each name it must serve`,
    );
  } else {
    for (const host of hosts) {
      if (!covers(cert, host)) {
        problem('host-not-covered', `${host.value} is not in the certificate's subjectAltName (${san})`, `${REGENERATE}, which covers every host above`);
      }
    }
  }

  const signedBy = checkIssuer(cert, certPath, problem, now);

  const extendedKeyUsage = (cert as X509Certificate & { keyUsage?: string[] }).keyUsage;
  if (!extendedKeyUsage?.includes(SERVER_AUTH_OID)) {
    problem('no-server-auth', 'the certificate has no extendedKeyUsage serverAuth; Apple platforms and strict clients refuse it for a TLS server', REGENERATE);
  }

  // Remake the pair as it is meant to be: every name it has plus every name asked for, and
  // signed the same way (a CA-signed pair stays CA-signed).
  const hostsToCover = [...subjectAltNameHosts(san), ...hosts.map((host) => host.value)];
  const caSigned = signedBy !== 'self-signed';
  return {
    ok: problems.length === 0,
    keyPath,
    certPath,
    problems: withRemakeFlags(problems, remakeFlags(options, hostsToCover, caSigned)),
    certificate: {
      subject: cert.subject,
      issuer: cert.issuer,
      signedBy,
      subjectAltName: san,
      notBefore: notBefore.toISOString(),
      notAfter: notAfter.toISOString(),
      keyType,
      bits,
      signatureAlgorithm,
      fingerprintSha256: cert.fingerprint256,
    },
  };
}

function readCertificate(path: string): X509Certificate | undefined {
  try {
    return new X509Certificate(readFileSync(path));
  } catch {
    return undefined;
  }
}

/**
 * Who signed the certificate, and whether that signature holds: a self-signed leaf
 * must verify with its own key; a CA-signed one with ca-cert.pem beside it (what
 * `certs --ca` writes) or, failing that, the local CA in its per-user directory.
 */
function checkIssuer(cert: X509Certificate, certPath: string, problem: (code: ProblemCode, message: string, fix: string) => void, now: Date): string {
  // Not checkIssued(cert): OpenSSL's issuer check also demands keyCertSign, which a
  // self-signed server leaf rightly does not have.
  if (cert.issuer === cert.subject) {
    if (!cert.verify(cert.publicKey))
      problem('bad-signature', "the self-signed certificate's signature does not verify with its own key: the file is damaged or was edited", REGENERATE);
    return 'self-signed';
  }
  const beside = join(dirname(certPath), CA_CERT_BESIDE_PAIR);
  const candidates = [beside, join(caRootDirectory(), CA_CERT_FILE)];
  const issuerName = cert.issuer.replace(/\n/g, ', ');
  for (const path of candidates) {
    const ca = readCertificate(path);
    if (!ca) continue;
    // OpenSSL's issuer check: names, authorityKeyIdentifier vs subjectKeyIdentifier, keyCertSign.
    if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey)) {
      if (path === beside) {
        problem(
          'ca-mismatch',
          `${beside} is not the CA that signed the certificate: a client given it as ca: will reject the server`,
          `${REGENERATE}, which writes the matching ${CA_CERT_BESIDE_PAIR}`,
        );
      }
      continue;
    }
    if (new Date(ca.validTo).getTime() <= now.getTime()) {
      problem(
        'ca-expired',
        `the CA certificate ${path} that signed it expired on ${new Date(ca.validTo).toISOString()}`,
        `remove the CA directory ${caRootDirectory()} and run \`h2-setup certs --ca --force\` and \`h2-setup certs --install-ca\``,
      );
    }
    return path;
  }
  problem(
    'unknown-issuer',
    `the certificate is signed by ${issuerName}, but no CA certificate for it was found (looked for ${candidates.join(' and ')})`,
    `put that CA's certificate beside it as ${CA_CERT_BESIDE_PAIR}, or ${REGENERATE}`,
  );
  return 'unknown';
}

function withRemakeFlags(problems: Problem[], flags: string): Problem[] {
  return problems.map((entry) => ({ ...entry, fix: entry.fix.replaceAll(`\`${REMAKE}`, `\`${REMAKE}${flags}`) }));
}
