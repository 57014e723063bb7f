/**
 * `h2-setup certs` as functions, for the library (src/index.ts) and `init`: each returns
 * the document the command prints with --json. The command itself (flags, text, exit
 * codes) is command.ts, which the CLI loads directly so `--help` loads none of this.
 *
 * Below this folder, in layers that import only downwards:
 *   trust/    who trusts a certificate (one file per client family) and the trust stores
 *   ca/       the local development CA: its directory, the CA itself, name constraints
 *   x509/     keys, DER, extensions, the one certificate builder, CSR, PKCS#12
 *   profile/  what a certificate may be: limits, hosts, file names, when to renew
 */

export type { Problem, ProblemCode } from './certificate-checks.js';
export { type CheckOptions, type CheckResult, checkCertificates } from './check.js';
export { type CreatedCertificate, createCertificate } from './create.js';
export { type CertificateSummary, generateCertificates, planGeneration } from './generate.js';
export type { InstallCaResult } from './install-ca.js';
export type { RenewResult } from './renew.js';
export { unconstrainedCaWarning } from './report.js';
export type { CreateCertificateOptions, WriteCertificatesOptions } from './request.js';
export { type CertsResult, writeCertificates } from './write.js';
