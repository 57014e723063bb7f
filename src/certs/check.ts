import { createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto';
import { basename, dirname, join, resolve } from 'node:path';
import { readRegularFile, UnreadableFileError } from '../files.js';
import { shellQuote } from '../shell-quote.js';
import { caRootDirectory } from './ca-root.js';
import { type CertificateFields, type CertificatePurpose, certificatePurpose, readCertificateFields } from './certificate-fields.js';
import { CA_CERT_BESIDE_PAIR, CA_CERT_FILE, CLIENT_CERT_FILE, DEFAULT_CERT_FILE, DEFAULT_KEY_FILE } from './file-names.js';
import { DEFAULT_HOSTS, type Host, parseHost, parseHosts } from './hosts.js';
import { describeKey, keyMatchesCertificate as keyBelongsToCertificate } from './key-description.js';
import { readNameConstraints, subtreeText, unconstrainedCaNotice } from './name-constraints.js';
import { DEFAULT_OUT_DIR, MAX_CERTIFICATE_BYTES, MAX_DAYS } from './profile.js';
import { needsRenewal, renewalThresholdMs } from './renewal.js';
import type { TrustVerdict } from './trust-check.js';

export interface CheckOptions {
  outDir?: string;
  keyFile?: string;
  certFile?: string;
  /** Hosts the certificate must cover; defaults to localhost, 127.0.0.1 and ::1. */
  hosts?: readonly string[];
  /** For tests and reproducible reports; defaults to now. */
  now?: Date;
  /** Ask each client whether it trusts the pair (issue 12); default true. `--renew` skips it. */
  trust?: boolean;
}

/** The local CA that signed the pair: whether it is name-constrained (issue 12), and what it permits. */
export interface CaConstraintsReport {
  constrained: boolean;
  permitted: string[];
  /** For an unconstrained CA: what that means, and how to replace it. */
  detail?: string;
  fix?: string;
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
  | 'no-client-auth'
  | 'unknown-issuer'
  | 'bad-signature'
  | 'ca-expired'
  | 'ca-mismatch'
  | 'too-large';

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
  /** Who trusts the pair, asked of each client (issue 12). Informational: never a problem, so
   *  a self-signed pair still passes --check and --renew does not remake it on every run.
   *  Empty when the key and certificate could not be read or do not match. */
  trust?: TrustVerdict[];
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
function remakeFlags(options: CheckOptions, hostsToCover: readonly string[], caSigned: boolean, client = false): string {
  const flags: string[] = [];
  if (options.outDir !== undefined && resolve(options.outDir) !== resolve(DEFAULT_OUT_DIR)) flags.push('--out-dir', shellQuote(options.outDir));
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
  // --client implies --ca, and its names are only the ones it had.
  if (client) flags.push('--client');
  else if (caSigned) flags.push('--ca');
  return flags.length > 0 ? ` ${flags.join(' ')}` : '';
}
const SERVER_AUTH_OID = '1.3.6.1.5.5.7.3.1';
const DAY_MS = 86_400_000;

/** A PEM key or certificate h2-setup reads is a few KiB; 1 MiB is far past any real one. */
const MAX_PEM_BYTES = 1024 * 1024;

function readText(path: string): { text?: string; error?: string } {
  try {
    return { text: readRegularFile(path, MAX_PEM_BYTES).toString('utf8') };
  } catch (error) {
    return { error: error instanceof UnreadableFileError ? error.reason : String(error) };
  }
}

function covers(cert: X509Certificate, host: Host): boolean {
  // subject: 'never' — modern clients (Chrome since 58, Go, Node) ignore the
  // commonName, so the check must too.
  return host.kind === 'ip' ? cert.checkIP(host.value) !== undefined : cert.checkHost(host.value, { subject: 'never' }) !== undefined;
}

/** What the checks look at: the pair as read, and what was worked out about it once. */
interface CheckedPair {
  keyPath: string;
  certPath: string;
  key: KeyObject | undefined;
  cert: X509Certificate;
  hosts: Host[];
  now: Date;
  notBefore: Date;
  notAfter: Date;
  san: string | null;
  signatureAlgorithm: string;
  issuer: IssuerFinding;
  /** The extensions as read from the DER (undefined when they cannot be parsed). */
  fields: CertificateFields | undefined;
  /** A TLS client certificate (mutual TLS): no host to cover, no serverAuth wanted. */
  client: boolean;
}

/** One named check: the problems it finds in the pair, none when it holds. New checks are new
 *  entries in CERTIFICATE_CHECKS; no check knows about another. */
interface CertificateCheck {
  name: string;
  run(pair: CheckedPair): Problem[];
}

const problemOf = (code: ProblemCode, message: string, fix: string): Problem => ({ code, message, fix });

const keyMatchesCertificate: CertificateCheck = {
  name: 'key matches certificate',
  run: ({ key, cert, keyPath, certPath }) =>
    // Not cert.checkPrivateKey: it throws on an RSA key against an EC certificate.
    key && !keyBelongsToCertificate(key, cert)
      ? [
          problemOf(
            'mismatch',
            `the private key ${keyPath} does not match the certificate ${certPath}: a TLS server cannot start with them`,
            `${REGENERATE}, which writes both together`,
          ),
        ]
      : [],
};

const validNow: CertificateCheck = {
  name: 'valid now',
  run: ({ notBefore, notAfter, now }) => {
    if (notAfter.getTime() <= now.getTime()) return [problemOf('expired', `the certificate expired on ${notAfter.toISOString()}`, REGENERATE)];
    if (notBefore.getTime() > now.getTime())
      return [problemOf('not-yet-valid', `the certificate is not valid until ${notBefore.toISOString()} (check this machine's clock)`, REGENERATE)];
    if (!needsRenewal(notBefore, notAfter, now)) return [];
    const daysLeft = Math.floor((notAfter.getTime() - now.getTime()) / DAY_MS);
    const dueDays = Math.round(renewalThresholdMs(notBefore, notAfter) / DAY_MS);
    return [
      problemOf(
        'expiring-soon',
        `the certificate expires in ${daysLeft} day${daysLeft === 1 ? '' : 's'}, on ${notAfter.toISOString()} (renewal is due when less than a third of its lifetime, and at most 30 days, is left: ${dueDays} day${dueDays === 1 ? '' : 's'} for this one)`,
        'run `h2-setup certs --renew` (or `h2-setup certs --force`) to make a new pair',
      ),
    ];
  },
};

const validityWithinApplesLimit: CertificateCheck = {
  name: "validity within Apple's limit",
  run: ({ notBefore, notAfter }) => {
    const validityDays = (notAfter.getTime() - notBefore.getTime()) / DAY_MS;
    return validityDays > MAX_DAYS
      ? [
          problemOf(
            'validity-too-long',
            `the certificate is valid for ${Math.round(validityDays)} days; Apple platforms reject TLS server certificates valid for more than ${MAX_DAYS}`,
            regenerate('--days 365'),
          ),
        ]
      : [];
  },
};

const keyStrongEnough: CertificateCheck = {
  name: 'key strong enough',
  run: ({ cert }) => {
    const keyType = cert.publicKey.asymmetricKeyType ?? 'unknown';
    const bits = cert.publicKey.asymmetricKeyDetails?.modulusLength ?? null;
    const described = describeKey(cert.publicKey);
    // TLS clients offer P-256 and P-384 (RFC 8446 makes P-256 mandatory); other curves fail handshakes.
    if (described.type === 'ecdsa' && 'curve' in described && described.curve !== 'P-256' && described.curve !== 'P-384') {
      return [
        problemOf(
          'weak-key',
          `the key is ${described.label}; TLS clients accept ECDSA keys on P-256 and P-384 only`,
          `${REGENERATE} (--key-type ecdsa makes a P-256 key)`,
        ),
      ];
    }
    return (keyType === 'rsa' || keyType === 'rsa-pss' || keyType === 'dsa') && bits !== null && bits < 2048
      ? [
          problemOf(
            'weak-key',
            `the key is ${keyType.toUpperCase()}-${bits}; clients and OpenSSL's default security level refuse keys under 2048 bits`,
            `${REGENERATE} (RSA-2048 by default)`,
          ),
        ]
      : [];
  },
};

const signatureStrongEnough: CertificateCheck = {
  name: 'signature strong enough',
  run: ({ signatureAlgorithm }) =>
    /sha1|md5|md2/i.test(signatureAlgorithm)
      ? [
          problemOf(
            'weak-signature',
            `the certificate is signed with ${signatureAlgorithm}; browsers and OpenSSL 3 reject SHA-1 and MD5 signatures`,
            `${REGENERATE} (signed with SHA-256)`,
          ),
        ]
      : [],
};

const coversEveryHost: CertificateCheck = {
  name: 'covers every host',
  run: ({ san, cert, hosts, client }) => {
    // A client certificate names a person or a service, not a host a server is reached at.
    if (client) return [];
    if (!san)
      return [
        problemOf(
          'no-san',
          'the certificate has no subjectAltName; clients ignore the commonName and accept no host name for it',
          `${REGENERATE}, with a --host for each name it must serve`,
        ),
      ];
    return hosts
      .filter((host) => !covers(cert, host))
      .map((host) =>
        problemOf('host-not-covered', `${host.value} is not in the certificate's subjectAltName (${san})`, `${REGENERATE}, which covers every host above`),
      );
  },
};

const signedByKnownIssuer: CertificateCheck = {
  name: 'signed by a known issuer',
  run: ({ issuer }) => issuer.problems,
};

const issuerStillValid: CertificateCheck = {
  name: 'issuer still valid',
  run: ({ issuer, now }) =>
    issuer.ca && new Date(issuer.ca.validTo).getTime() <= now.getTime()
      ? [
          problemOf(
            'ca-expired',
            `the CA certificate ${issuer.signedBy} that signed it expired on ${new Date(issuer.ca.validTo).toISOString()}`,
            `remove the CA directory ${caRootDirectory()} and run \`h2-setup certs --ca --force\` and \`h2-setup certs --install-ca\``,
          ),
        ]
      : [],
};

const forServerAuth: CertificateCheck = {
  name: 'for TLS servers',
  run: ({ cert, client }) =>
    client || (cert as X509Certificate & { keyUsage?: string[] }).keyUsage?.includes(SERVER_AUTH_OID)
      ? []
      : [
          problemOf(
            'no-server-auth',
            'the certificate has no extendedKeyUsage serverAuth; Apple platforms and strict clients refuse it for a TLS server',
            REGENERATE,
          ),
        ],
};

/** A file named client-cert.pem (what `certs --client` writes) must be usable as one. */
const forClientAuth: CertificateCheck = {
  name: 'for TLS clients',
  run: ({ certPath, fields, client }) => {
    if (client || basename(certPath) !== CLIENT_CERT_FILE || !fields) return [];
    const purpose = certificatePurpose(fields);
    return purpose === 'server-and-client' || purpose === 'any'
      ? []
      : [
          problemOf(
            'no-client-auth',
            `${certPath} has no extendedKeyUsage clientAuth; a server that asks for client certificates (mutual TLS) refuses it`,
            'run `h2-setup certs --client --force` to make a client certificate',
          ),
        ];
  },
};

const smallEnoughForClients: CertificateCheck = {
  name: 'small enough for TLS clients',
  run: ({ cert }) =>
    cert.raw.length > MAX_CERTIFICATE_BYTES
      ? [
          problemOf(
            'too-large',
            `the certificate is ${cert.raw.length} bytes; TLS clients built on OpenSSL (Node, curl) refuse a certificate message over 100 KiB`,
            `${REGENERATE}, with fewer --host names`,
          ),
        ]
      : [],
};

/** Every check --check runs, in the order their problems are reported. */
export const CERTIFICATE_CHECKS: readonly CertificateCheck[] = [
  keyMatchesCertificate,
  validNow,
  validityWithinApplesLimit,
  keyStrongEnough,
  signatureStrongEnough,
  coversEveryHost,
  signedByKnownIssuer,
  issuerStillValid,
  forServerAuth,
  forClientAuth,
  smallEnoughForClients,
];

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
  const keyPath = resolve(outDir, options.keyFile ?? DEFAULT_KEY_FILE);
  const certPath = resolve(outDir, options.certFile ?? DEFAULT_CERT_FILE);
  const hosts = parseHosts(options.hosts);
  const now = options.now ?? new Date();

  const { key, problem: keyProblem } = readKey(keyPath);
  const { cert, problem: certProblem } = readCert(certPath);
  const readProblems = [keyProblem, certProblem].filter((entry): entry is Problem => entry !== undefined);
  if (!cert) {
    const flags = remakeFlags(
      options,
      hosts.map((host) => host.value),
      false,
    );
    return { ok: false, keyPath, certPath, problems: withRemakeFlags(readProblems, flags) };
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
  const hostsToCover = [...subjectAltNameHosts(pair.san), ...(pair.client ? [] : hosts.map((host) => host.value))];
  const caSigned = pair.issuer.signedBy !== 'self-signed';
  const trust = options.trust !== false && key && keyBelongsToCertificate(key, cert) ? await askClients(cert, key, pair.issuer) : [];
  return {
    ok: problems.length === 0,
    keyPath,
    certPath,
    problems: withRemakeFlags(problems, remakeFlags(options, hostsToCover, caSigned, pair.client)),
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

/** The extensions and signature algorithm from the DER, without node-forge; a certificate
 *  Node reads but this parser does not is judged on what Node says. */
function readFields(cert: X509Certificate): CertificateFields | undefined {
  try {
    return readCertificateFields(cert.raw);
  } catch {
    return undefined;
  }
}

/** Issue 12: a CA made before h2-setup constrained its CAs keeps working, and is reported as such. */
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

/** The trust section: each client asked with the pair itself (trust-check.ts loads only here). */
async function askClients(cert: X509Certificate, key: KeyObject, issuer: IssuerFinding): Promise<TrustVerdict[]> {
  const { checkTrust } = await import('./trust-check.js');
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

/** Who signed the certificate, the CA certificate when one was found, and what is wrong with the signature. */
interface IssuerFinding {
  /** 'self-signed', 'unknown', or the path of the CA certificate that verified the signature. */
  signedBy: string;
  ca?: X509Certificate;
  problems: Problem[];
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
