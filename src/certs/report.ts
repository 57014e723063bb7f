import { relative } from 'node:path';
import type { CheckResult } from './check.js';
import type { CertificateSummary } from './generate.js';

/** Paths are shown relative to where the user is when that is shorter. */
export function displayPath(path: string, cwd = process.cwd()): string {
  const rel = relative(cwd, path);
  return rel && !rel.startsWith('..') && rel.length < path.length ? rel : path;
}

/** The two ways to make Node trust a self-signed certificate. */
export function nodeTrustLines(certPath: string): { caOption: string; environment: string } {
  return {
    caOption: `http2.connect(url, { ca: fs.readFileSync(${JSON.stringify(certPath)}) })`,
    environment: `NODE_EXTRA_CA_CERTS=${JSON.stringify(certPath)} node your-client.js`,
  };
}

export function formatGenerated(summary: CertificateSummary): string {
  const trust = nodeTrustLines(summary.certPath);
  return [
    `Created a key and a self-signed certificate for ${summary.hosts.map((host) => host.value).join(', ')}`,
    '',
    `  private key   ${displayPath(summary.keyPath)}  (mode 0600: keep it to yourself)`,
    `  certificate   ${displayPath(summary.certPath)}`,
    `  key           RSA-${summary.bits}, signed with SHA-256`,
    `  expires       ${summary.notAfter.slice(0, 10)} (${summary.days} days)`,
    `  SHA-256       ${summary.fingerprintSha256}`,
    '',
    'Trust it from Node, in the client:',
    `  ${trust.caOption}`,
    'or for a whole process:',
    `  ${trust.environment}`,
    '',
  ].join('\n');
}

export function formatCheck(result: CheckResult): string {
  const lines: string[] = [];
  const cert = result.certificate;
  if (cert) {
    lines.push(`Checked ${displayPath(result.certPath)} with ${displayPath(result.keyPath)}`);
    lines.push(`  subject       ${cert.subject.replace(/\n/g, ', ')}`);
    lines.push(`  hosts (SAN)   ${cert.subjectAltName ?? '(none)'}`);
    lines.push(`  valid         ${cert.notBefore} to ${cert.notAfter}`);
    lines.push(`  key           ${cert.keyType.toUpperCase()}${cert.bits ? `-${cert.bits}` : ''}, signed with ${cert.signatureAlgorithm}`);
    lines.push(`  SHA-256       ${cert.fingerprintSha256}`);
  }
  if (result.ok) {
    lines.push('OK: the key matches the certificate and clients will accept it for every host checked.');
  } else {
    lines.push(`${result.problems.length} problem${result.problems.length === 1 ? '' : 's'}:`);
    for (const problem of result.problems) lines.push(`  - ${problem.message}; fix: ${problem.fix}`);
  }
  return `${lines.join('\n')}\n`;
}
