/** OpenSSL's verdict: `openssl verify` against its system store, the one curl uses. */
import { findOnPath, runBounded } from '../../system/index.js';
import { type Context, type TrustVerdict, whyNotRun } from './context.js';

export async function askOpenssl(context: Context): Promise<TrustVerdict> {
  const openssl = findOnPath('openssl', context.env, context.platform);
  if (!openssl) return { client: 'openssl', trusted: null, detail: 'openssl is not on PATH' };
  const store = context.env.SSL_CERT_FILE ?? context.env.SSL_CERT_DIR;
  const what = `openssl verify with ${store ? `the store in ${store}` : "OpenSSL's system store (the one curl uses)"}`;
  const identity = context.identity.isIp ? ['-verify_ip', context.identity.name] : ['-verify_hostname', context.identity.name];
  // The certificate goes in on stdin: `openssl verify` reads it there when no file is named.
  const run = await runBounded(openssl, ['verify', '-purpose', 'sslserver', ...identity], {
    env: context.env,
    timeoutMs: context.timeoutMs,
    input: context.certPem,
  });
  const output = `${run.stdout}\n${run.stderr}`;
  if (run.code === 0 && /: OK\s*$/m.test(output)) return { client: 'openssl', trusted: true, detail: `${what}: OK` };
  const error = output.match(/error \d+ at \d+ depth lookup: ?(.*)/);
  if (error) return { client: 'openssl', trusted: false, detail: `${what}: ${error[1]?.trim()}` };
  return { client: 'openssl', trusted: null, detail: whyNotRun(run, what, context.timeoutMs) };
}
