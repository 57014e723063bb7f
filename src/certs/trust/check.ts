import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:tls';
import { shellQuote } from '../../common/index.js';
import { extraPermitted, hostsOutsideConstraints, readNameConstraints, replaceCaCommand, subtreeText } from '../ca/index.js';
import { subjectAltNameHosts } from '../x509/index.js';
import type { Context, Lineage, TrustClient, TrustVerdict } from './context.js';
import { askMacosKeychain } from './macos.js';
import { askNode } from './node.js';
import { USE_SYSTEM_CA_FROM } from './node-system-ca.js';
import { askNss } from './nss.js';
import { askOpenssl } from './openssl.js';
import { askWindows } from './windows.js';

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

function firstIdentity(leaf: X509Certificate): { name: string; isIp: boolean } {
  const hosts = subjectAltNameHosts(leaf.subjectAltName);
  const dns = hosts.find((host) => host.kind === 'dns');
  if (dns) return { name: dns.value.replace(/^\*\./, 'h2-setup-trust-check.'), isIp: false };
  const ip = hosts.find((host) => host.kind === 'ip');
  if (ip) return { name: ip.value, isIp: true };
  return { name: 'localhost', isIp: false };
}

function lineageOf(leaf: X509Certificate, caPem: string | undefined): { lineage: Lineage; permit: string[] } {
  if (caPem) {
    const ca = new X509Certificate(caPem);
    if (leaf.checkIssued(ca) && leaf.verify(ca.publicKey)) {
      const constraints = readNameConstraints(ca);
      const outside = hostsOutsideConstraints(subjectAltNameHosts(leaf.subjectAltName), constraints);
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
    if (nodeSystemCaTrusts) return `node --use-system-ca (${USE_SYSTEM_CA_FROM} and later)`;
    return `NODE_EXTRA_CA_CERTS=${shellQuote(context.caCertPath ?? 'rootCA.pem')}`;
  }
  return 'h2-setup certs --install-ca';
}

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
