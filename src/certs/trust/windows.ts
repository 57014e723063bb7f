/** Windows' CryptoAPI: asking its chain engine and adding or removing the CA in the user's
 *  Root store. Written from Microsoft's documentation; see UNTESTED_CLIENTS. */
import { runBounded } from '../../system/index.js';
import { OID } from '../x509/index.js';
import { type Context, firstLine, runTool, type TrustAction, type TrustContext, type TrustVerdict, whyNotRun } from './context.js';

export async function askWindows(context: Context): Promise<TrustVerdict> {
  const what = 'Windows certificate chain engine (X509Chain, user and machine stores)';
  const path = context.leafPath.replace(/'/g, "''");
  // Revocation is not checked: local certificates have no CRL or OCSP responder, and
  // the question is trust, not revocation. serverAuth is required, as browsers do.
  const script = [
    "$ErrorActionPreference = 'Stop'",
    `$c = [System.Security.Cryptography.X509Certificates.X509Certificate2]::new('${path}')`,
    '$ch = [System.Security.Cryptography.X509Certificates.X509Chain]::new()',
    "$ch.ChainPolicy.RevocationMode = 'NoCheck'",
    `[void]$ch.ChainPolicy.ApplicationPolicy.Add([System.Security.Cryptography.Oid]::new('${OID.serverAuth}'))`,
    "if ($ch.Build($c)) { 'trusted'; exit 0 } else { ($ch.ChainStatus | ForEach-Object { $_.StatusInformation.Trim() }) -join '; '; exit 3 }",
  ].join('; ');
  const run = await runBounded('powershell.exe', ['-NoProfile', '-NonInteractive', '-Command', script], { env: context.env, timeoutMs: context.timeoutMs });
  if (run.code === 0) return { client: 'windows', trusted: true, detail: `${what}: trusted` };
  if (run.code === 3) return { client: 'windows', trusted: false, detail: `${what}: ${firstLine(run.stdout) || 'not trusted'}` };
  return { client: 'windows', trusted: null, detail: whyNotRun(run, what, context.timeoutMs) };
}

export function updateWindowsRoot(context: TrustContext, install: boolean): TrustAction {
  const store = 'Windows user Root store';
  const args = install ? ['-user', '-addstore', 'Root', context.caCertPath] : ['-user', '-delstore', 'Root', context.caSerial];
  const result = runTool('certutil', args, context.env);
  return result.ok
    ? { store, status: install ? 'installed' : 'removed', detail: 'CurrentUser\\Root' }
    : { store, status: 'failed', detail: result.output, command: ['certutil', ...args].join(' ') };
}
