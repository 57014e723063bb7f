import { displayPath, paint } from '../system/index.js';
import type { CaConstraintsReport } from './ca/index.js';
import type { CheckResult } from './check.js';
import type { CertificateSummary } from './generate.js';
import type { InstallCaResult } from './install-ca.js';
import type { RenewResult } from './renew.js';
import type { TrustVerdict } from './trust/index.js';
// Not trust/index.ts, which would load every trust check for every pair (see write.ts).
import { systemStoreHint } from './trust/node-system-ca.js';
import { nodeTrust } from './write.js';

/** The two ways to make Node trust a self-signed certificate. */

export function formatGenerated(summary: CertificateSummary): string {
  // With a CA, clients trust the CA certificate, not the leaf.
  const trust = nodeTrust(summary.ca?.certPath ?? summary.certPath, summary.ca !== undefined);
  const ca = summary.ca;
  const names = summary.hosts.map((host) => host.value).join(', ');
  const client = summary.kind === 'client';
  const csr = summary.csr;
  const headline = csr
    ? `Signed the certificate request ${displayPath(csr.path)} (${csr.key}) with the local CA for ${names}`
    : client
      ? `Created a key and a client certificate (mutual TLS) for ${summary.commonName}`
      : `Created a key and a ${ca ? 'CA-signed' : 'self-signed'} certificate for ${names}`;
  const keyFile = JSON.stringify(displayPath(summary.keyPath ?? ''));
  const certFile = JSON.stringify(displayPath(summary.certPath));
  const caFile = JSON.stringify(displayPath(ca?.certPath ?? ''));
  return [
    headline,
    '',
    ...(csr && csr.ignoredNames.length > 0
      ? [`  not included  ${csr.ignoredNames.join(', ')} (a TLS server certificate carries DNS names and IP addresses only)`]
      : []),
    ...(summary.keyPath ? [`  private key   ${displayPath(summary.keyPath)}  (mode 0600: keep it to yourself)`] : []),
    `  certificate   ${displayPath(summary.certPath)}`,
    ...(ca
      ? [
          `  signed by     ${ca.subject}${ca.created ? ' (created now)' : ''}`,
          `  CA cert       ${displayPath(ca.certPath)}  (public part; the CA key stays in ${ca.directory})`,
        ]
      : []),
    `  key           ${summary.keyLabel}, signed with ${summary.signatureAlgorithm}`,
    ...(summary.p12
      ? [
          `  PKCS#12       ${displayPath(summary.p12.path)}  (key + certificate${summary.p12.includesCa ? ' + CA' : ''}, AES-256; password from ${process.env.H2_SETUP_P12_PASSWORD ? 'H2_SETUP_P12_PASSWORD' : 'the terminal'})`,
        ]
      : []),
    `  expires       ${summary.notAfter.slice(0, 10)} (${summary.days} days)`,
    `  SHA-256       ${summary.fingerprintSha256}`,
    '',
    ...(client
      ? [
          `  use it         http2.connect(url, { ca, key: fs.readFileSync(${keyFile}), cert: fs.readFileSync(${certFile}) })`,
          `  the server     http2.createSecureServer({ key, cert, ca: fs.readFileSync(${caFile}), requestCert: true, rejectUnauthorized: true })`,
          '',
        ]
      : [
          ...(ca ? ['Browsers trust it once the CA is installed: h2-setup certs --install-ca', ''] : []),
          'Trust it from Node, in the client:',
          `  ${trust.caOption}`,
          'or for a whole process:',
          `  ${trust.shortest}   (${trust.worksFrom})`,
          ...(trust.shortest !== trust.environment ? [`  ${trust.environment}   (every Node line)`] : []),
          ...(ca && trust.shortest === trust.environment ? [systemStoreHint()] : []),
          '',
        ]),
  ].join('\n');
}

const PURPOSE_WORDS: Record<string, string> = {
  server: 'TLS server',
  client: 'TLS client (mutual TLS)',
  'server-and-client': 'TLS server and client',
  any: 'any (no extendedKeyUsage)',
  ca: 'a CA certificate, not a TLS server or client',
};

export function formatCheck(result: CheckResult): string {
  const lines: string[] = [];
  const cert = result.certificate;
  if (cert) {
    lines.push(`Checked ${displayPath(result.certPath)} with ${displayPath(result.keyPath)}`);
    lines.push(`  subject       ${cert.subject.replace(/\n/g, ', ')}`);
    lines.push(`  signed by     ${cert.signedBy === 'self-signed' || cert.signedBy === 'unknown' ? cert.signedBy : displayPath(cert.signedBy)}`);
    lines.push(`  hosts (SAN)   ${cert.subjectAltName ?? '(none)'}`);
    lines.push(`  valid         ${cert.notBefore} to ${cert.notAfter}`);
    lines.push(`  key           ${cert.keyLabel}, signed with ${cert.signatureAlgorithm}`);
    const purpose = PURPOSE_WORDS[cert.purpose];
    if (purpose) lines.push(`  purpose       ${purpose}`);
    lines.push(`  SHA-256       ${cert.fingerprintSha256}`);
  }
  if (result.caConstraints) lines.push(...caConstraintsLines(result.caConstraints));
  for (const note of result.notes ?? []) lines.push(`  note          ${note}`);
  if (result.ok) {
    lines.push(
      cert?.purpose === 'client'
        ? `${paint(['bold', 'green'], 'OK')}: the key matches the client certificate and a server that trusts its CA will accept it (mutual TLS).`
        : `${paint(['bold', 'green'], 'OK')}: the key matches the certificate and clients will accept it for every host checked (${result.hosts.join(', ')}).`,
    );
  } else {
    lines.push(paint(['bold', 'red'], `${result.problems.length} problem${result.problems.length === 1 ? '' : 's'}:`));
    for (const problem of result.problems) lines.push(`  - ${paint('red', problem.message)}; fix: ${paint('cyan', problem.fix)}`);
  }
  if (result.trust && result.trust.length > 0)
    lines.push(...trustLines('Who trusts it (asked each client; this does not change the exit code):', result.trust));
  return `${lines.join('\n')}\n`;
}

/** For stderr, once, when a command signed with a CA made before h2-setup constrained its CAs:
 *  it still signs (replacing it would break every trust store it is in), but the user should know. */
export function unconstrainedCaWarning(report: CaConstraintsReport | undefined): string | undefined {
  if (!report || report.constrained) return undefined;
  return `h2-setup: warning: signed with an unconstrained local CA: ${report.detail ?? ''}; ${report.fix ?? ''}\n`;
}

/** The CA line; an unconstrained (older) CA with what that means and how to replace it. */
function caConstraintsLines(report: CaConstraintsReport): string[] {
  if (report.constrained) return [`  CA            name-constrained to ${report.permitted.join(', ')}`];
  return [
    `  CA            ${paint('yellow', 'unconstrained')} (made before h2-setup limited its CAs to local names)`,
    `                ${report.detail ?? ''}`,
    `                fix: ${paint('cyan', report.fix ?? '')}`,
  ];
}

const TRUST_WORDS = { true: 'yes', false: 'no', null: '?' } as const;

/** One line per client (yes / no / ?), the fix under each that does not trust it. */
export function trustLines(heading: string, verdicts: readonly TrustVerdict[]): string[] {
  const width = Math.max(...verdicts.map((verdict) => verdict.client.length));
  const lines = ['', heading];
  for (const verdict of verdicts) {
    const word = TRUST_WORDS[String(verdict.trusted) as keyof typeof TRUST_WORDS];
    const coloured = verdict.trusted === true ? paint('green', word.padEnd(5)) : verdict.trusted === false ? paint('red', word.padEnd(5)) : word.padEnd(5);
    lines.push(`  ${coloured} ${verdict.client.padEnd(width)}  ${verdict.detail}`);
    if (verdict.fix) lines.push(`  ${' '.repeat(5 + width + 3)}fix: ${paint('cyan', verdict.fix)}`);
  }
  return lines;
}

const STATUS_WORDS: Record<string, string> = {
  installed: 'installed in',
  removed: 'removed from',
  'already-installed': 'already in',
  'not-installed': 'was not in',
  skipped: 'skipped',
  failed: 'FAILED',
};

export function formatInstallCa(result: InstallCaResult): string {
  if (!result.caCertPath && result.actions.length === 0)
    return `No local CA in ${result.caDirectory}, and none of ours in the trust stores: nothing to uninstall.\n`;
  if (!result.caCertPath) {
    const found = result.actions.map((action) => `  ${STATUS_WORDS[action.status] ?? action.status} ${action.store}: ${action.detail}`);
    return [`No local CA in ${result.caDirectory}; h2-setup CAs found in the trust stores by name:`, ...found, ''].join('\n');
  }
  const lines = [`Local CA: ${result.caSubject}${result.caCreated ? ' (created now)' : ''}`, `  certificate   ${result.caCertPath}`];
  if (result.actions.length === 0) lines.push('No trust store selected (H2_SETUP_TRUST_STORES is empty).');
  for (const action of result.actions) {
    const words = STATUS_WORDS[action.status] ?? action.status;
    lines.push(`  ${action.status === 'failed' ? paint('red', words) : words} ${action.store}: ${action.detail}`);
    if (action.command) lines.push(`      instead, run: ${action.command}`);
  }
  if (result.caConstraints) lines.push(...caConstraintsLines(result.caConstraints));
  if (result.node) {
    const system = result.nodeExtraCaCerts !== null && !result.node.command.startsWith(result.nodeExtraCaCerts);
    lines.push(
      '',
      system ? `Node ${process.version} reads the CA from the system store; trust it for a Node process with:` : 'Trust the CA for a Node process with:',
      `  ${result.node.command}   (${result.node.worksFrom})`,
      ...(system ? [`  ${result.nodeExtraCaCerts} node your-client.js   (every Node line)`] : [systemStoreHint()]),
    );
  }
  if (result.trust && result.trust.length > 0) {
    lines.push(...trustLines('Which clients now trust the CA (asked each with a throwaway localhost leaf it signed):', result.trust));
  }
  return `${lines.join('\n')}\n`;
}

export function formatRenew(result: RenewResult): string {
  if (result.action === 'unchanged' || !result.summary) {
    return `Unchanged: ${displayPath(result.certPath)} with ${displayPath(result.keyPath)} passes --check's renewal checks (valid until ${result.notAfter ?? '?'}); nothing was written.\n`;
  }
  const why =
    result.action === 'made'
      ? [`Made: there was no pair at ${displayPath(result.certPath)}.`]
      : ['Remade, because:', ...result.reasons.map((reason) => `  - ${reason.message}`)];
  return `${why.join('\n')}\n${formatGenerated(result.summary)}`;
}
