import { X509Certificate } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { createServer, type Server } from 'node:tls';
import { shellQuote } from '../shell-quote.js';
import type { Host } from './hosts.js';
import { extraPermitted, hostsOutsideConstraints, readNameConstraints, replaceCaCommand, subtreeText } from './name-constraints.js';
import { type BoundedRun, runBounded } from './run-bounded.js';

/**
 * "Who trusts this certificate?", asked of each client's own verifier, never guessed
 * from which files exist: Node by a real TLS handshake, OpenSSL with `openssl verify`,
 * NSS with certutil on a copy of each database, the macOS keychain with `security
 * verify-cert`, Windows with CryptoAPI's chain engine. A client that cannot be asked
 * gets `trusted: null` and the reason.
 */

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

export interface CheckTrustOptions {
  /** The environment the clients run in (NODE_EXTRA_CA_CERTS, SSL_CERT_FILE, HOME, PATH). */
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  /** The local CA certificate's path, for the NODE_EXTRA_CA_CERTS fix. */
  caCertPath?: string;
  /** The local CA's directory, for the fix when the leaf is outside the CA's name constraints. */
  caDirectory?: string;
  /** Each client's time bound. */
  timeoutMs?: number;
  /** The Node that "node" means: the one running h2-setup. */
  nodePath?: string;
}

const DEFAULT_TIMEOUT_MS = 15_000;
const LEAF_NICKNAME = 'h2-setup trust check leaf';

/**
 * What the leaf is, which decides the fix for a client that does not trust it:
 * `outside-ca` is signed by the local CA for a name its constraints leave out, which
 * no trust store can fix.
 */
type Lineage = 'self-signed' | 'local-ca' | 'outside-ca' | 'other';

interface Context {
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

function firstIdentity(leaf: X509Certificate): { name: string; isIp: boolean } {
  const entries = (leaf.subjectAltName ?? '').split(', ').filter(Boolean);
  const dns = entries.find((entry) => entry.startsWith('DNS:'));
  if (dns) return { name: dns.slice(4).replace(/^\*\./, 'h2-setup-trust-check.'), isIp: false };
  const ip = entries.find((entry) => entry.startsWith('IP Address:'));
  if (ip) return { name: ip.slice('IP Address:'.length), isIp: true };
  return { name: 'localhost', isIp: false };
}

/** The leaf's subjectAltName entries as hosts (Node writes IPv6 in full, which parses the same). */
function leafHosts(leaf: X509Certificate): Host[] {
  return (leaf.subjectAltName ?? '')
    .split(', ')
    .filter(Boolean)
    .flatMap((entry): Host[] => {
      if (entry.startsWith('DNS:')) return [{ kind: 'dns', value: entry.slice(4) }];
      if (entry.startsWith('IP Address:')) return [{ kind: 'ip', value: entry.slice('IP Address:'.length) }];
      return [];
    });
}

function lineageOf(leaf: X509Certificate, caPem: string | undefined): { lineage: Lineage; permit: string[] } {
  if (caPem) {
    const ca = new X509Certificate(caPem);
    if (leaf.checkIssued(ca) && leaf.verify(ca.publicKey)) {
      const constraints = readNameConstraints(ca);
      const outside = hostsOutsideConstraints(leafHosts(leaf), constraints);
      if (constraints && outside.length > 0) {
        // A new CA must keep permitting what this one permitted beyond the built-in names.
        return { lineage: 'outside-ca', permit: [...extraPermitted(constraints).map(subtreeText), ...outside.map((host) => host.value)] };
      }
      return { lineage: 'local-ca', permit: [] };
    }
  }
  // Not checkIssued(leaf): OpenSSL's issuer check also wants keyCertSign, which a leaf lacks.
  return { lineage: leaf.issuer === leaf.subject && leaf.verify(leaf.publicKey) ? 'self-signed' : 'other', permit: [] };
}

/** The command that would make `client` accept the pair, or none when no command of ours would. */
function fixFor(context: Context, client: TrustClient, nodeSystemCaTrusts = false): string | undefined {
  const now = Date.now();
  if (now > Date.parse(context.leaf.validTo) || now < Date.parse(context.leaf.validFrom)) return 'h2-setup certs --renew';
  if (context.lineage === 'self-signed') return 'h2-setup certs --ca --force';
  if (context.lineage === 'other') return undefined;
  if (context.lineage === 'outside-ca') {
    return replaceCaCommand(context.caDirectory ?? '<the CA directory>', context.permit);
  }
  if (client === 'node') {
    if (nodeSystemCaTrusts) return 'node --use-system-ca';
    return `NODE_EXTRA_CA_CERTS=${shellQuote(context.caCertPath ?? 'rootCA.pem')}`;
  }
  return 'h2-setup certs --install-ca';
}

function firstLine(text: string): string {
  return (
    text
      .trim()
      .split('\n')
      .find((line) => line.trim() !== '')
      ?.trim() ?? ''
  );
}

function whyNotRun(run: BoundedRun, what: string, timeoutMs: number): string {
  if (run.startError) return `${what} could not be started: ${run.startError}`;
  if (run.timedOut && run.survivors.length > 0)
    return `${what} did not answer within ${timeoutMs} ms and was sent SIGKILL, but process${run.survivors.length === 1 ? '' : 'es'} ${run.survivors.join(', ')} still run${run.survivors.length === 1 ? 's' : ''}`;
  if (run.timedOut) return `${what} did not answer within ${timeoutMs} ms (killed)`;
  return `${what} exited ${run.code} without a verdict: ${firstLine(run.stderr || run.stdout) || 'no output'}`;
}

function findOnPath(command: string, env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string | undefined {
  const names = platform === 'win32' ? [`${command}.exe`, command] : [command];
  for (const dir of (env.PATH ?? env.Path ?? '').split(delimiter)) {
    for (const name of names) if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

// ---- node and node-system-ca ------------------------------------------------------

/**
 * The client side, run in a child `node` so that it starts the way Node starts here:
 * its bundled roots, NODE_EXTRA_CA_CERTS and NODE_OPTIONS as the environment says.
 * It lets the handshake finish and reports Node's own verdict (`authorized`,
 * `authorizationError`) and Node's own host-name check, so a refusal is told apart
 * from a connection that never happened.
 */
const NODE_CLIENT = `
const tls = require('node:tls');
const [port, name, isIp] = process.argv.slice(1);
const socket = tls.connect({ host: '127.0.0.1', port: Number(port), servername: isIp === '1' ? undefined : name, rejectUnauthorized: false });
socket.on('secureConnect', () => {
  const identity = tls.checkServerIdentity(name, socket.getPeerCertificate());
  const error = socket.authorizationError;
  console.log(JSON.stringify({ authorized: socket.authorized, code: error && String(error.code || error), identity: identity && identity.message }));
  socket.destroy();
});
socket.on('error', (error) => console.log(JSON.stringify({ failed: error.code || error.message })));
`;

async function askNode(context: Context, port: number, nodePath: string, client: 'node' | 'node-system-ca'): Promise<TrustVerdict> {
  const flags = client === 'node-system-ca' ? ['--use-system-ca'] : [];
  const extra = context.env.NODE_EXTRA_CA_CERTS;
  const nodeName = nodePath === process.execPath ? ` ${process.version}` : ` (${nodePath})`;
  const what =
    client === 'node'
      ? `Node${nodeName}${extra ? ` with NODE_EXTRA_CA_CERTS=${extra}` : ' (its bundled roots; NODE_EXTRA_CA_CERTS unset)'}`
      : `Node${nodeName} --use-system-ca (NODE_EXTRA_CA_CERTS left out: this line is about the system store)`;
  const args = [...flags, '-e', NODE_CLIENT, String(port), context.identity.name, context.identity.isIp ? '1' : '0'];
  // node-system-ca answers for the system store alone: with NODE_EXTRA_CA_CERTS kept,
  // it would repeat the node line whenever that variable names the CA.
  const env = { ...context.env };
  if (client === 'node-system-ca') delete env.NODE_EXTRA_CA_CERTS;
  const run = await runBounded(nodePath, args, { env, timeoutMs: context.timeoutMs });
  const line = run.stdout.trim().split('\n').pop() ?? '';
  let answer: { authorized?: boolean; code?: string; identity?: string; failed?: string };
  try {
    answer = JSON.parse(line);
  } catch {
    // An older Node refuses the flag itself ("bad option: --use-system-ca"): it was added in Node 22.15 and 23.8.
    if (client === 'node-system-ca' && /bad option|--use-system-ca/.test(run.stderr)) {
      return { client, trusted: null, detail: `this Node (${nodePath}) has no --use-system-ca (it came in Node 22.15 and 23.8)` };
    }
    return { client, trusted: null, detail: whyNotRun(run, what, context.timeoutMs) };
  }
  if (answer.failed) return { client, trusted: null, detail: `${what} could not complete a handshake with the loopback server: ${answer.failed}` };
  if (answer.authorized && !answer.identity) return { client, trusted: true, detail: `${what} accepted it for ${context.identity.name}` };
  // authorizationError is OpenSSL's verify error name, e.g. UNABLE_TO_VERIFY_LEAF_SIGNATURE.
  let why = answer.authorized ? answer.identity : answer.code;
  // Node 20 to 26 have no name for OpenSSL's X509_V_ERR_PERMITTED_VIOLATION and say UNSPECIFIED.
  if (why === 'UNSPECIFIED' && context.lineage === 'outside-ca') why = "UNSPECIFIED: a name outside the CA's name constraints";
  return { client, trusted: false, detail: `${what} refused it (${why})` };
}

// ---- openssl ----------------------------------------------------------------------

async function askOpenssl(context: Context): Promise<TrustVerdict> {
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

// ---- nss --------------------------------------------------------------------------

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
async function askNssDatabase(context: Context, certutil: string, database: string, index: number): Promise<TrustVerdict> {
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

async function askNss(context: Context): Promise<TrustVerdict[]> {
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

// ---- macOS and Windows (untested: see UNTESTED_CLIENTS) ----------------------------

async function askMacosKeychain(context: Context): Promise<TrustVerdict> {
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

async function askWindows(context: Context): Promise<TrustVerdict> {
  const what = 'Windows certificate chain engine (X509Chain, user and machine stores)';
  const path = context.leafPath.replace(/'/g, "''");
  // Revocation is not checked: local certificates have no CRL or OCSP responder, and
  // the question is trust, not revocation. serverAuth is required, as browsers do.
  const script = [
    "$ErrorActionPreference = 'Stop'",
    `$c = [System.Security.Cryptography.X509Certificates.X509Certificate2]::new('${path}')`,
    '$ch = [System.Security.Cryptography.X509Certificates.X509Chain]::new()',
    "$ch.ChainPolicy.RevocationMode = 'NoCheck'",
    "[void]$ch.ChainPolicy.ApplicationPolicy.Add([System.Security.Cryptography.Oid]::new('1.3.6.1.5.5.7.3.1'))",
    "if ($ch.Build($c)) { 'trusted'; exit 0 } else { ($ch.ChainStatus | ForEach-Object { $_.StatusInformation.Trim() }) -join '; '; exit 3 }",
  ].join('; ');
  const run = await runBounded('powershell.exe', ['-NoProfile', '-NonInteractive', '-Command', script], { env: context.env, timeoutMs: context.timeoutMs });
  if (run.code === 0) return { client: 'windows', trusted: true, detail: `${what}: trusted` };
  if (run.code === 3) return { client: 'windows', trusted: false, detail: `${what}: ${firstLine(run.stdout) || 'not trusted'}` };
  return { client: 'windows', trusted: null, detail: whyNotRun(run, what, context.timeoutMs) };
}

// ---- the check --------------------------------------------------------------------

function listen(certPem: string, keyPem: string): Promise<{ server: Server; port: number; close: () => Promise<void> }> {
  const server = createServer({ cert: certPem, key: keyPem });
  const sockets = new Set<import('node:net').Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // A refusing client ends the handshake with an alert; that is an answer, not an error.
  server.on('tlsClientError', () => {});
  server.on('secureConnection', (socket) => socket.end());
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      resolve({
        server,
        port,
        close: () =>
          new Promise<void>((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

/**
 * For each client family present here, whether it accepts the pair (certificate,
 * key) — and, when it does not, the command that would make it. `caPem` is the
 * local CA's certificate, when the pair is meant to be signed by it: it decides the
 * fix, and is never handed to any client as a trust anchor.
 */
export async function checkTrust(certPem: string, keyPem: string, caPem?: string, options: CheckTrustOptions = {}): Promise<TrustVerdict[]> {
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  const leaf = new X509Certificate(certPem);
  const workDir = mkdtempSync(join(tmpdir(), 'h2-setup-trust-'));
  const { lineage, permit } = lineageOf(leaf, caPem);
  const context: Context = {
    certPem,
    leaf,
    lineage,
    permit,
    caDirectory: options.caDirectory,
    identity: firstIdentity(leaf),
    env,
    platform,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    caCertPath: options.caCertPath,
    workDir,
    leafPath: join(workDir, 'leaf.pem'),
  };
  writeFileSync(context.leafPath, certPem);
  let server: Awaited<ReturnType<typeof listen>> | undefined;
  try {
    server = await listen(certPem, keyPem);
    const nodePath = options.nodePath ?? process.execPath;
    const asks: Array<Promise<TrustVerdict | TrustVerdict[]>> = [
      askNode(context, server.port, nodePath, 'node'),
      askNode(context, server.port, nodePath, 'node-system-ca'),
      askOpenssl(context),
      askNss(context),
    ];
    if (platform === 'darwin') asks.push(askMacosKeychain(context));
    if (platform === 'win32') asks.push(askWindows(context));
    const verdicts = (await Promise.all(asks)).flat();
    const systemCaTrusts = verdicts.some((verdict) => verdict.client === 'node-system-ca' && verdict.trusted === true);
    return verdicts.map((verdict) => {
      if (verdict.trusted !== false) return verdict;
      const fix = fixFor(context, verdict.client, systemCaTrusts);
      return fix ? { ...verdict, fix } : verdict;
    });
  } finally {
    await server?.close();
    rmSync(workDir, { recursive: true, force: true });
  }
}
