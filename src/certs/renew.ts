import { pathExists } from '../system/index.js';
import type { ProblemCode } from './certificate-checks.js';
import { type CheckResult, checkCertificates } from './check.js';
import { type CertificateSummary, generateCertificates, planGeneration } from './generate.js';
import { certificateHostNames, DEFAULT_HOSTS } from './profile/index.js';
import type { CertsOptions } from './request.js';
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

export async function renewCertificates(options: CertsOptions & { now?: Date }): Promise<RenewResult> {
  // Every flag is checked before anything is read or written (a bad --days is exit 2 even when nothing is due).
  planGeneration({ ...options, force: true });
  const check = await checkCertificates({ ...options, trust: false });
  const reasons = check.problems.filter((problem) => RENEWAL_PROBLEMS.includes(problem.code));
  if (reasons.length === 0) {
    return { action: 'unchanged', reasons, keyPath: check.keyPath, certPath: check.certPath, notAfter: check.certificate?.notAfter ?? null };
  }
  const bothAbsent = !pathExists(check.keyPath) && !pathExists(check.certPath);
  // The new pair covers every name the old one had and every name asked for, and is signed
  // the same way: a CA-signed pair stays CA-signed.
  const hosts = certificateHostNames([
    ...subjectAltNameHosts(check.certificate?.subjectAltName).map((host) => host.value),
    ...(options.hosts ?? DEFAULT_HOSTS),
  ]);
  const caSigned = options.ca || (check.certificate !== undefined && check.certificate.signedBy !== 'self-signed');
  const summary = await generateCertificates({ ...options, hosts, ca: caSigned, force: !bothAbsent });
  return {
    action: bothAbsent ? 'made' : 'remade',
    reasons,
    keyPath: summary.keyPath ?? check.keyPath,
    certPath: summary.certPath,
    notAfter: summary.notAfter,
    summary,
  };
}
