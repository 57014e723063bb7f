import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { usageError } from '../errors.js';
import { shellQuote } from '../shell-quote.js';

/**
 * The trust stores h2-setup can add its local CA to. Like mkcert's TRUST_STORES,
 * H2_SETUP_TRUST_STORES (a comma list of these names) limits which are touched;
 * tests use it so they never reach the machine's real system store.
 */
export const TRUST_STORES = ['nss', 'system'] as const;
export type TrustStore = (typeof TRUST_STORES)[number];

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

export function selectedStores(env: NodeJS.ProcessEnv): TrustStore[] {
  const raw = env.H2_SETUP_TRUST_STORES;
  if (!raw) return [...TRUST_STORES];
  const names = raw
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  if (names.length === 0) {
    throw usageError(`H2_SETUP_TRUST_STORES ${JSON.stringify(raw)} names no store; expected a comma list of ${TRUST_STORES.join(', ')}, or unset it for all`);
  }
  for (const name of names) {
    if (!(TRUST_STORES as readonly string[]).includes(name)) {
      throw usageError(`H2_SETUP_TRUST_STORES names an unknown store ${JSON.stringify(name)}; expected a comma list of ${TRUST_STORES.join(', ')}`);
    }
  }
  return names as TrustStore[];
}

function findOnPath(command: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, command))) return join(dir, command);
  }
  return undefined;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): { ok: boolean; output: string } {
  const result = spawnSync(command, args, { env, encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'] });
  return { ok: result.status === 0, output: `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n')[0] ?? '' };
}

/** NSS databases: Chrome/Chromium on Linux read ~/.pki/nssdb; each Firefox profile has its own. */
function nssDatabases(home: string, create: boolean, certutil: string, env: NodeJS.ProcessEnv): { databases: string[]; created: string[] } {
  const created: string[] = [];
  const shared = join(home, '.pki', 'nssdb');
  if (create && !existsSync(join(shared, 'cert9.db'))) {
    mkdirSync(shared, { recursive: true, mode: 0o700 });
    if (run(certutil, ['-d', `sql:${shared}`, '-N', '--empty-password'], env).ok) created.push(shared);
  }
  const databases = existsSync(join(shared, 'cert9.db')) ? [shared] : [];
  for (const profiles of [join(home, '.mozilla', 'firefox'), join(home, 'snap', 'firefox', 'common', '.mozilla', 'firefox')]) {
    let entries: string[] = [];
    try {
      entries = readdirSync(profiles);
    } catch {
      continue;
    }
    for (const entry of entries) if (existsSync(join(profiles, entry, 'cert9.db'))) databases.push(join(profiles, entry));
  }
  return { databases, created };
}

function nss(context: TrustContext, install: boolean): TrustAction[] {
  const home = context.env.HOME || homedir();
  const certutil = findOnPath('certutil', context.env);
  if (!certutil || context.platform === 'win32') {
    return [
      {
        store: 'nss (Chrome, Chromium, Firefox)',
        status: 'skipped',
        detail: 'certutil was not found',
        command: 'install it (Debian/Ubuntu: apt-get install libnss3-tools; macOS: brew install nss), then run this again',
      },
    ];
  }
  const { databases, created } = nssDatabases(home, install, certutil, context.env);
  if (databases.length === 0) {
    return [
      {
        store: 'nss',
        status: 'skipped',
        detail: `no NSS database under ${home}`,
        command: `certutil -d sql:${shellQuote(join(home, '.pki', 'nssdb'))} -N --empty-password`,
      },
    ];
  }
  return databases.map((database): TrustAction => {
    const store = `nss ${database}${created.includes(database) ? ' (created)' : ''}`;
    const db = `sql:${database}`;
    const present = run(certutil, ['-d', db, '-L', '-n', context.caName], context.env).ok;
    if (install) {
      if (present) return { store, status: 'already-installed', detail: context.caName };
      const args = ['-d', db, '-A', '-t', 'C,,', '-n', context.caName, '-i', context.caCertPath];
      const result = run(certutil, args, context.env);
      return result.ok
        ? { store, status: 'installed', detail: context.caName }
        : { store, status: 'failed', detail: result.output, command: ['certutil', ...args].map(shellQuote).join(' ') };
    }
    // Every CA of ours in the database, found by its nickname and checked by the certificate
    // itself, so an uninstall works even when the CA directory is gone (or holds a newer CA).
    const ours = ourNicknames(certutil, db, context).filter((name) => name !== context.caName);
    const names = present ? [context.caName, ...ours] : ours;
    if (names.length === 0) return { store, status: 'not-installed', detail: context.caName };
    const failures: string[] = [];
    for (const name of names) {
      const args = ['-d', db, '-D', '-n', name];
      const result = run(certutil, args, context.env);
      if (!result.ok) failures.push(['certutil', ...args].map(shellQuote).join(' '));
    }
    return failures.length === 0
      ? { store, status: 'removed', detail: names.join(', ') }
      : { store, status: 'failed', detail: `could not remove ${failures.length} of ${names.join(', ')}`, command: failures.join(' && ') };
  });
}

/** Nicknames in an NSS database that are h2-setup development CAs: the name we give them, and
 *  a certificate whose organization is ours and (when the CA is known) whose fingerprint is. */
function ourNicknames(certutil: string, db: string, context: TrustContext): string[] {
  const listing = spawnSync(certutil, ['-d', db, '-L'], { env: context.env, encoding: 'utf8', timeout: 60_000 });
  if (listing.status !== 0) return [];
  const names = (listing.stdout ?? '')
    .split('\n')
    .map((line) => /^(h2-setup development CA \S+)\s+\S*,\S*,\S*\s*$/.exec(line.trim())?.[1])
    .filter((name): name is string => name !== undefined);
  return names.filter((name) => {
    const pem = spawnSync(certutil, ['-d', db, '-L', '-n', name, '-a'], { env: context.env, encoding: 'utf8', timeout: 60_000 });
    try {
      const certificate = new X509Certificate(pem.stdout ?? '');
      return certificate.ca && /^O=h2-setup development CA$/m.test(certificate.subject);
    } catch {
      return false;
    }
  });
}

function linuxSystem(context: TrustContext, install: boolean): TrustAction {
  const store = 'system (update-ca-certificates)';
  const anchors = '/usr/local/share/ca-certificates';
  const target = join(anchors, `${context.caName.replace(/[^\w.-]+/g, '_')}.crt`);
  const update =
    findOnPath('update-ca-certificates', context.env) ?? (existsSync('/usr/sbin/update-ca-certificates') ? '/usr/sbin/update-ca-certificates' : undefined);
  const manual = install
    ? `sudo cp ${shellQuote(context.caCertPath)} ${shellQuote(target)} && sudo update-ca-certificates`
    : `sudo rm ${shellQuote(target)} && sudo update-ca-certificates --fresh`;
  if (!update || !existsSync(anchors)) {
    return {
      store: 'system',
      status: 'skipped',
      detail: 'no Debian-style system store (update-ca-certificates) on this machine',
      command: "see your distribution's documentation for adding a CA",
    };
  }
  if (process.getuid?.() !== 0) return { store, status: 'skipped', detail: 'changing the system store needs root', command: manual };
  if (install) {
    if (existsSync(target)) return { store, status: 'already-installed', detail: target };
    copyFileSync(context.caCertPath, target);
    const result = run(update, [], context.env);
    return result.ok ? { store, status: 'installed', detail: target } : { store, status: 'failed', detail: result.output, command: manual };
  }
  if (!existsSync(target)) return { store, status: 'not-installed', detail: target };
  rmSync(target);
  const result = run(update, ['--fresh'], context.env);
  return result.ok ? { store, status: 'removed', detail: target } : { store, status: 'failed', detail: result.output, command: manual };
}

function macosSystem(context: TrustContext, install: boolean): TrustAction {
  const store = 'macOS login keychain';
  const keychain = join(context.env.HOME || homedir(), 'Library', 'Keychains', 'login.keychain-db');
  const args = install ? ['add-trusted-cert', '-r', 'trustRoot', '-k', keychain, context.caCertPath] : ['remove-trusted-cert', context.caCertPath];
  const result = run('security', args, context.env);
  return result.ok
    ? { store, status: install ? 'installed' : 'removed', detail: keychain }
    : { store, status: 'failed', detail: result.output, command: ['security', ...args].map(shellQuote).join(' ') };
}

function windowsSystem(context: TrustContext, install: boolean): TrustAction {
  const store = 'Windows user Root store';
  const args = install ? ['-user', '-addstore', 'Root', context.caCertPath] : ['-user', '-delstore', 'Root', context.caSerial];
  const result = run('certutil', args, context.env);
  return result.ok
    ? { store, status: install ? 'installed' : 'removed', detail: 'CurrentUser\\Root' }
    : { store, status: 'failed', detail: result.output, command: ['certutil', ...args].join(' ') };
}

/** Adds the CA to (or removes it from) every selected store it can reach, and says what it did. */
export function updateTrustStores(context: TrustContext, install: boolean): TrustAction[] {
  const actions: TrustAction[] = [];
  for (const store of selectedStores(context.env)) {
    if (store === 'nss') actions.push(...nss(context, install));
    else if (context.platform === 'darwin') actions.push(macosSystem(context, install));
    else if (context.platform === 'win32') actions.push(windowsSystem(context, install));
    else actions.push(linuxSystem(context, install));
  }
  return actions;
}
