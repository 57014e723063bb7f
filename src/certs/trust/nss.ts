/** NSS, which Chrome and Chromium on Linux and Firefox everywhere read: where its databases
 *  are, asking each about a leaf (on a copy), and adding or removing the local CA. */
import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { shellQuote } from '../../common/index.js';
import { findOnPath, runBounded } from '../../system/index.js';
import { type Context, runTool, type TrustAction, type TrustContext, type TrustVerdict, whyNotRun } from './context.js';

export const LEAF_NICKNAME = 'h2-setup trust check leaf';

/**
 * The NSS databases Chromium/Chrome and Firefox read: the shared ~/.pki/nssdb (also
 * snap Chromium's), and every Firefox profile, including snap's and flatpak's, and
 * Firefox's on macOS. Only SQL databases (cert9.db); NSS stopped writing cert8.db in 2017.
 */
export function nssDatabases(home: string, platform: NodeJS.Platform = process.platform): string[] {
  const candidates = [join(home, '.pki', 'nssdb'), join(home, 'snap', 'chromium', 'current', '.pki', 'nssdb')];
  const profileRoots = [
    join(home, '.mozilla', 'firefox'),
    join(home, 'snap', 'firefox', 'common', '.mozilla', 'firefox'),
    join(home, '.var', 'app', 'org.mozilla.firefox', '.mozilla', 'firefox'),
  ];
  if (platform === 'darwin') profileRoots.push(join(home, 'Library', 'Application Support', 'Firefox', 'Profiles'));
  for (const root of profileRoots) {
    let entries: string[] = [];
    try {
      entries = readdirSync(root);
    } catch {
      continue;
    }
    for (const entry of entries.sort()) candidates.push(join(root, entry));
  }
  return candidates.filter((dir) => existsSync(join(dir, 'cert9.db')));
}

/**
 * Asks NSS about one database without touching it: the database is copied into a
 * temporary directory, the leaf is imported into the copy with no trust of its own
 * (",,"), and `certutil -V -u V` (SSL server) runs NSS's own chain verification.
 */
export async function askNssDatabase(context: Context, certutil: string, database: string, index: number): Promise<TrustVerdict> {
  const what = `NSS database ${database}`;
  const copy = join(context.workDir, `nssdb-${index}`);
  try {
    mkdirSync(copy);
    for (const file of ['cert9.db', 'key4.db', 'pkcs11.txt']) if (existsSync(join(database, file))) copyFileSync(join(database, file), join(copy, file));
  } catch (error) {
    return { client: 'nss', trusted: null, detail: `${what} could not be copied to ask it: ${(error as Error).message}` };
  }
  const db = `sql:${copy}`;
  const imported = await runBounded(certutil, ['-d', db, '-A', '-n', LEAF_NICKNAME, '-t', ',,', '-i', context.leafPath], {
    env: context.env,
    timeoutMs: context.timeoutMs,
  });
  if (imported.code !== 0) return { client: 'nss', trusted: null, detail: `${what}: ${whyNotRun(imported, 'certutil -A (on a copy)', context.timeoutMs)}` };
  const run = await runBounded(certutil, ['-d', db, '-V', '-u', 'V', '-n', LEAF_NICKNAME], { env: context.env, timeoutMs: context.timeoutMs });
  const output = `${run.stdout}\n${run.stderr}`;
  if (run.code === 0 && /certificate is valid/.test(output)) return { client: 'nss', trusted: true, detail: `${what}: certutil says the certificate is valid` };
  const invalid = output.match(/certificate is invalid: ?(.*)/);
  if (invalid) return { client: 'nss', trusted: false, detail: `${what}: certutil says ${invalid[1]?.trim() || 'the certificate is invalid'}` };
  return { client: 'nss', trusted: null, detail: `${what}: ${whyNotRun(run, 'certutil -V', context.timeoutMs)}` };
}

export async function askNss(context: Context): Promise<TrustVerdict[]> {
  // On Windows `certutil` is Microsoft's unrelated tool of the same name.
  if (context.platform === 'win32') return [];
  const databases = nssDatabases(context.env.HOME || homedir(), context.platform);
  if (databases.length === 0) return [];
  const certutil = findOnPath('certutil', context.env, context.platform);
  if (!certutil) {
    return [
      {
        client: 'nss',
        trusted: null,
        detail: `certutil is not on PATH, so NSS (${databases.join(', ')}) cannot be asked; install it (Debian/Ubuntu: apt-get install libnss3-tools; macOS: brew install nss)`,
      },
    ];
  }
  return Promise.all(databases.map((database, index) => askNssDatabase(context, certutil, database, index)));
}

/** The databases --install-ca and --uninstall-ca change: the ones --check asks (nssDatabases),
 *  after making the shared ~/.pki/nssdb when installing and there is none, so Chrome and
 *  Chromium, which read it, trust the CA from their next start. */
function databasesToUpdate(home: string, install: boolean, certutil: string, context: TrustContext): { databases: string[]; created: string[] } {
  const created: string[] = [];
  const shared = join(home, '.pki', 'nssdb');
  if (install && !existsSync(join(shared, 'cert9.db'))) {
    mkdirSync(shared, { recursive: true, mode: 0o700 });
    if (runTool(certutil, ['-d', `sql:${shared}`, '-N', '--empty-password'], context.env).ok) created.push(shared);
  }
  return { databases: nssDatabases(home, context.platform), created };
}

export function updateNss(context: TrustContext, install: boolean): TrustAction[] {
  const home = context.env.HOME || homedir();
  const certutil = findOnPath('certutil', context.env, context.platform);
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
  const { databases, created } = databasesToUpdate(home, install, certutil, context);
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
    const present = runTool(certutil, ['-d', db, '-L', '-n', context.caName], context.env).ok;
    if (install) {
      if (present) return { store, status: 'already-installed', detail: context.caName };
      const args = ['-d', db, '-A', '-t', 'C,,', '-n', context.caName, '-i', context.caCertPath];
      const result = runTool(certutil, args, context.env);
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
      const result = runTool(certutil, args, context.env);
      if (!result.ok) failures.push(['certutil', ...args].map(shellQuote).join(' '));
    }
    return failures.length === 0
      ? { store, status: 'removed', detail: names.join(', ') }
      : { store, status: 'failed', detail: `could not remove ${failures.length} of ${names.join(', ')}`, command: failures.join(' && ') };
  });
}

/** Nicknames in an NSS database that are h2-setup development CAs: the name we give them, and
 *  a certificate whose organization is ours and (when the CA is known) whose fingerprint is. */
export function ourNicknames(certutil: string, db: string, context: TrustContext): string[] {
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
