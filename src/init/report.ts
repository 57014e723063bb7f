/**
 * init's result as text: what was written, the certificate, what install and
 * verify found, and what to type next. --json prints the InitResult itself.
 */
import { relative } from 'node:path';
import { displayPath, paint, selfCommand } from '../system/index.js';
import { formatVerifyReport } from '../verify/report.js';
import type { InitResult } from './index.js';

export function formatInitReport(result: InitResult): string {
  const lines: string[] = [];
  // Commands are printed as they run on this machine, never as `npx h2-setup` (see self-command.ts).
  const h2setup = selfCommand();
  const where = displayPath(result.dir);
  lines.push(
    `Created ${where === result.name ? where : `${result.name} in ${where}`} (${result.template}, ${result.mtls ? 'mutual TLS, ALPN h2' : result.transport === 'tls' ? 'TLS, ALPN h2' : 'plaintext h2c'}, default port ${result.port})`,
  );
  lines.push('');
  for (const file of result.files) lines.push(`  ${relative(result.dir, file)}`);
  const cert = result.certificates;
  lines.push('');
  lines.push(
    `${cert.ca ? 'CA-signed certificate' : 'Certificate'} for ${cert.hosts.map((host) => host.value).join(', ')}: RSA-${cert.bits}, SHA-256, expires ${cert.notAfter.slice(0, 10)}`,
  );
  if (cert.ca) {
    lines.push(`  signed by     ${cert.ca.subject}${cert.ca.created ? ' (created now)' : ''}`);
    lines.push(`  CA cert       ${relative(result.dir, cert.ca.certPath)}  (the client trusts it; the CA key stays in ${cert.ca.directory})`);
    lines.push(`Browsers trust it once the CA is installed: ${h2setup} certs --install-ca`);
  }
  const client = result.clientCertificate;
  if (client) {
    lines.push(
      `Client certificate ${client.commonName} (mutual TLS, clientAuth), ${relative(result.dir, client.certPath)}: the server requires it; H2_DEMO_NO_CLIENT_CERT=1 npm start shows a refused client`,
    );
  }

  if (result.install) {
    lines.push('');
    lines.push(result.install.ok ? 'Installed the dependencies.' : `npm install failed: ${result.install.reason}`);
  }

  lines.push('');
  if (!result.verify) {
    lines.push(`Verification skipped (--no-verify); run \`${h2setup} verify\` in the project to prove the close event fires.`);
  } else {
    // verify's own report carries the timeline; it is shown only when verify ran.
    if (result.verify.result) lines.push(formatVerifyReport(result.verify.result).trimEnd());
    lines.push(
      result.verify.passed
        ? `${paint(['bold', 'green'], 'Verified')}: the server session's 'close' event fired.`
        : `${paint(['bold', 'red'], 'Verification failed')}${result.verify.reason ? `: ${result.verify.reason}` : ''}. The project is kept; fix it and run \`${h2setup} verify\` again.`,
    );
  }

  lines.push('');
  lines.push('Next steps:');
  for (const step of result.nextSteps) lines.push(`  ${step}`);
  return `${lines.join('\n')}\n`;
}
