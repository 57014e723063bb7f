/** The macOS login keychain: asking it (security verify-cert) and adding or removing the CA.
 *  Written from Apple's documentation; see UNTESTED_CLIENTS. */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { shellQuote } from '../../common/index.js';
import { runBounded } from '../../system/index.js';
import { type Context, firstLine, runTool, type TrustAction, type TrustContext, type TrustVerdict, whyNotRun } from './context.js';

export async function askMacosKeychain(context: Context): Promise<TrustVerdict> {
  const what = 'security verify-cert (macOS keychains, SSL policy)';
  // -L: local only, no network fetching of issuers; exit 0 means the trust evaluation succeeded.
  const run = await runBounded('/usr/bin/security', ['verify-cert', '-c', context.leafPath, '-p', 'ssl', '-L'], {
    env: context.env,
    timeoutMs: context.timeoutMs,
  });
  if (run.startError || run.timedOut) return { client: 'macos-keychain', trusted: null, detail: whyNotRun(run, what, context.timeoutMs) };
  const output = firstLine(`${run.stdout}\n${run.stderr}`);
  return run.code === 0
    ? { client: 'macos-keychain', trusted: true, detail: `${what}: ${output || 'successful'}` }
    : { client: 'macos-keychain', trusted: false, detail: `${what}: ${output || `exit ${run.code}`}` };
}

export function updateMacosKeychain(context: TrustContext, install: boolean): TrustAction {
  const store = 'macOS login keychain';
  const keychain = join(context.env.HOME || homedir(), 'Library', 'Keychains', 'login.keychain-db');
  const args = install ? ['add-trusted-cert', '-r', 'trustRoot', '-k', keychain, context.caCertPath] : ['remove-trusted-cert', context.caCertPath];
  const result = runTool('security', args, context.env);
  return result.ok
    ? { store, status: install ? 'installed' : 'removed', detail: keychain }
    : { store, status: 'failed', detail: result.output, command: ['security', ...args].map(shellQuote).join(' ') };
}
