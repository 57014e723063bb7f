import { pathExists } from '../system/index.js';
import { type Problem, type ProblemCode, problemOf, REGENERATE } from './certificate-checks.js';
import { type CheckResult, checkCertificates } from './check.js';
import { type CertificateSummary, generateCertificates, planGeneration } from './generate.js';
import { certificateHostNames } from './profile/index.js';
import type { CertsOptions, PairRequest } from './request.js';
import { subjectAltNameHosts } from './x509/index.js';

/**
 * `h2-setup certs --renew`: safe in a project's predev/prestart script. It makes the pair
 * when there is none, remakes it when --check would fail it for a reason a new pair
 * cures (expired or due for renewal by renewal.ts's rule, a --host not covered, a CA that
 * no longer signs it, a damaged or mismatched file), and otherwise writes nothing.
 * The trust section is not asked: who trusts a pair is not cured by remaking it.
 */

/** The --check problems a new pair cures. Others (a long validity, a weak key of the user's own
 *  making) are left to --check, so --renew never remakes a pair on every run. */
export const RENEWAL_PROBLEMS: readonly ProblemCode[] = [
  'key-unreadable',
  'cert-unreadable',
  'mismatch',
  'expired',
  'not-yet-valid',
  'expiring-soon',
  'no-san',
  'host-not-covered',
  'unknown-issuer',
  'bad-signature',
  'ca-expired',
  'ca-mismatch',
];

export interface RenewResult {
  /** made: there was no pair; remade: --check found `reasons`; unchanged: nothing was written. */
  action: 'made' | 'remade' | 'unchanged';
  reasons: CheckResult['problems'];
  keyPath: string;
  certPath: string;
  notAfter: string | null;
  /** The new pair, when one was written. */
  summary?: CertificateSummary;
}

/** The flags that shape the key and its purpose, against the pair on disk: a key type or size
 *  asked for and not had, or a server's pair where --client asks for a client's (or the reverse).
 *  A flag not given asks for nothing, except --client: without it the pair is a server's. */
function differencesFromFlags(options: CertsOptions, request: PairRequest, certificate: CheckResult['certificate']): Problem[] {
  if (!certificate) return [];
  const reasons: Problem[] = [];
  const keyType = certificate.keyType === 'ecdsa' ? 'ecdsa' : 'rsa';
  const asked = request.keyType === 'ecdsa' ? 'ECDSA P-256' : `RSA-${request.bits}`;
  // --bits alone asks for RSA too.
  const typeAsked = options.keyType !== undefined || options.bits !== undefined;
  const bitsDiffer = options.bits !== undefined && certificate.bits !== request.bits;
  if ((typeAsked && keyType !== request.keyType) || (keyType === 'rsa' && bitsDiffer)) {
    const flags = [options.keyType !== undefined ? `--key-type ${request.keyType}` : '', options.bits !== undefined ? `--bits ${request.bits}` : '']
      .filter(Boolean)
      .join(' ');
    reasons.push(problemOf('key-differs', `the key is ${certificate.keyLabel}; ${flags} asks for ${asked}`, REGENERATE));
  }
  const isClient = certificate.purpose === 'client';
  if ((request.kind === 'client') !== isClient) {
    reasons.push(
      problemOf(
        'purpose-differs',
        request.kind === 'client'
          ? 'the certificate is not a client certificate (no extendedKeyUsage clientAuth alone); --client asks for one'
          : 'the certificate is a client certificate (mutual TLS); without --client a server certificate is asked for',
        REGENERATE,
      ),
    );
  }
  return reasons;
}

export async function renewCertificates(options: CertsOptions & { now?: Date }): Promise<RenewResult> {
  // Every flag is checked before anything is read or written (a bad --days is exit 2 even when nothing is due).
  const plan = await planGeneration({ ...options, force: true });
  // The files the pair would be written to (client-key.pem with --client), checked as they are.
  const files = { ...options, key: plan.keyPath, cert: plan.certPath };
  const check = await checkCertificates({ ...files, trust: false });
  const reasons = [
    ...check.problems.filter((problem) => RENEWAL_PROBLEMS.includes(problem.code)),
    ...differencesFromFlags(options, plan.request, check.certificate),
  ];
  if (reasons.length === 0) {
    return { action: 'unchanged', reasons, keyPath: check.keyPath, certPath: check.certPath, notAfter: check.certificate?.notAfter ?? null };
  }
  const bothAbsent = !pathExists(check.keyPath) && !pathExists(check.certPath);
  // The new pair covers every name the old one had and every name asked for (the defaults when
  // there are neither), and is signed the same way: a CA-signed pair stays CA-signed.
  // A pair remade for another purpose keeps none of the old one's names: a server's hosts are not a client's.
  const kept = reasons.some((reason) => reason.code === 'purpose-differs') ? [] : subjectAltNameHosts(check.certificate?.subjectAltName);
  const hosts = certificateHostNames([...kept.map((host) => host.value), ...(options.hosts ?? [])]);
  const caSigned = options.ca || (check.certificate !== undefined && check.certificate.signedBy !== 'self-signed');
  const summary = await generateCertificates({ ...options, ...(hosts.length > 0 ? { hosts } : {}), ca: caSigned, force: !bothAbsent });
  return {
    action: bothAbsent ? 'made' : 'remade',
    reasons,
    keyPath: summary.keyPath ?? check.keyPath,
    certPath: summary.certPath,
    notAfter: summary.notAfter,
    summary,
  };
}
