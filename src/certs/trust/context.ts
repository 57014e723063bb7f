/**
 * What every trust module shares: the clients asked and their verdicts, the stores and
 * what was done to them, the context each asker and each store gets, and how a tool's
 * silence or failure is put into words.
 */
import { spawnSync } from 'node:child_process';
import type { X509Certificate } from 'node:crypto';
import { type BoundedRun, stillRunningWords } from '../../system/index.js';

export const TRUST_CLIENTS = ['node', 'node-system-ca', 'openssl', 'nss', 'macos-keychain', 'windows'] as const;

export type TrustClient = (typeof TRUST_CLIENTS)[number];

/** Written from Apple's and Microsoft's documentation; no test has run them on such a machine yet. */
export const UNTESTED_CLIENTS: readonly TrustClient[] = ['macos-keychain', 'windows'];

export interface TrustVerdict {
  client: TrustClient;
  /** null: this client could not be asked; `detail` says why. */
  trusted: boolean | null;
  detail: string;
  /** The one command that would make this client trust the pair, when there is one. */
  fix?: string;
}

/**
 * What the leaf is, which decides the fix for a client that does not trust it:
 * `outside-ca` is signed by the local CA for a name its constraints leave out, which
 * no trust store can fix.
 */
export type Lineage = 'self-signed' | 'local-ca' | 'outside-ca' | 'other';

export interface Context {
  certPem: string;
  leaf: X509Certificate;
  lineage: Lineage;
  /** The name a client connects to: the first DNS name (a wildcard made concrete), else the first address. */
  identity: { name: string; isIp: boolean };
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  timeoutMs: number;
  caCertPath: string | undefined;
  caDirectory: string | undefined;
  /** For outside-ca: what a replacement CA's H2_SETUP_CA_PERMIT must hold. */
  permit: string[];
  workDir: string;
  leafPath: string;
}

export function firstLine(text: string): string {
  return (
    text
      .trim()
      .split('\n')
      .find((line) => line.trim() !== '')
      ?.trim() ?? ''
  );
}

export function whyNotRun(run: BoundedRun, what: string, timeoutMs: number): string {
  if (run.startError) return `${what} could not be started: ${run.startError}`;
  if (run.timedOut && run.survivors.length > 0)
    return `${what} did not answer within ${timeoutMs} ms and was sent SIGKILL, but ${stillRunningWords(run.survivors)}`;
  if (run.timedOut) return `${what} did not answer within ${timeoutMs} ms (killed)`;
  return `${what} exited ${run.code} without a verdict: ${firstLine(run.stderr || run.stdout) || 'no output'}`;
}

export type TrustActionStatus = 'installed' | 'removed' | 'already-installed' | 'not-installed' | 'skipped' | 'failed';

export interface TrustAction {
  store: string;
  status: TrustActionStatus;
  detail: string;
  /** What a person can run instead (or to finish the job) when we skipped or failed. */
  command?: string;
}

export interface TrustContext {
  caCertPath: string;
  /** A name unique to this CA, used as the NSS nickname and the system file name. */
  caName: string;
  caSerial: string;
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
}

export function runTool(command: string, args: string[], env: NodeJS.ProcessEnv): { ok: boolean; output: string } {
  const result = spawnSync(command, args, { env, encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'] });
  return { ok: result.status === 0, output: `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n')[0] ?? '' };
}
