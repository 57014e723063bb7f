/**
 * The checks `--check` runs on a pair, each a named rule that finds its own problems and
 * says how to fix them. check.ts reads the pair and runs them in order; no check knows
 * about another.
 */

import type { KeyObject, X509Certificate } from 'node:crypto';
import { basename } from 'node:path';
import { caRootDirectory } from './ca/index.js';
import { CLIENT_CERT_FILE, DAY_MS, type Host, MAX_CERTIFICATE_BYTES, MAX_DAYS, needsRenewal, renewalThresholdMs } from './profile/index.js';
import { type CertificateFields, certificatePurpose, describeKey, keyMatchesCertificate as keyBelongsToCertificate, OID } from './x509/index.js';
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
  | 'too-large'
  /** --renew only: the key is not the type or size --key-type / --bits ask for. */
  | 'key-differs'
  /** --renew only: a server certificate where --client asks for a client's, or the other way round. */
  | 'purpose-differs';

export interface Problem {
  code: ProblemCode;
  message: string;
  fix: string;
}

/** The command every fix starts from; checkCertificates() adds the flags that remake this
 *  very pair (its directory, file names, hosts, CA) once it knows them. */
export const REMAKE = 'h2-setup certs --force';
export function regenerate(flags = ''): string {
  return `run \`${REMAKE}${flags ? ` ${flags}` : ''}\` to make a new pair`;
}
export const REGENERATE = regenerate();

/** Who signed the certificate, the CA certificate when one was found, and what is wrong with the signature. */
export interface IssuerFinding {
  /** 'self-signed', 'unknown', or the path of the CA certificate that verified the signature. */
  signedBy: string;
  ca?: X509Certificate;
  problems: Problem[];
}

export function covers(cert: X509Certificate, host: Host): boolean {
  // subject: 'never' — modern clients (Chrome since 58, Go, Node) ignore the
  // commonName, so the check must too.
  return host.kind === 'ip' ? cert.checkIP(host.value) !== undefined : cert.checkHost(host.value, { subject: 'never' }) !== undefined;
}

/** What the checks look at: the pair as read, and what was worked out about it once. */
export interface CheckedPair {
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
export interface CertificateCheck {
  name: string;
  run(pair: CheckedPair): Problem[];
}

export const problemOf = (code: ProblemCode, message: string, fix: string): Problem => ({ code, message, fix });

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
    client || (cert as X509Certificate & { keyUsage?: string[] }).keyUsage?.includes(OID.serverAuth)
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
