import { createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type forgeModule from 'node-forge';
import { CliError, ExitCode } from '../errors.js';
import { writeFilesAtomically } from '../files.js';
import { pathKind } from '../paths.js';
import { CA_CERT_FILE, CA_KEY_FILE, caRootDirectory } from './ca-root.js';
import { privateKeyToPem, publicKeyToPem, startRsaKeyGeneration } from './keys.js';
import { caPermittedSubtrees, nameConstraintsExtension } from './name-constraints.js';
import { CLOCK_SKEW_MS } from './profile.js';
import { buildSignedCertificate, type Forge } from './x509-builder.js';

/** Ten years: a development CA is installed into trust stores by hand, and every
 *  renewal means doing that again. Leaves stay at 825 days or less. */
const CA_VALIDITY_DAYS = 3650;
/** RSA-3072: the CA outlives its leaves by years, so it gets the stronger key. */
const CA_KEY_BITS = 3072;

export interface LocalCa {
  directory: string;
  certPath: string;
  keyPath: string;
  certPem: string;
  privateKey: KeyObject;
  certificate: X509Certificate;
  /** The forge subject fields, used as the issuer of every leaf. */
  subject: Array<{ type: string; value: string; valueTagClass?: forgeModule.asn1.Class }>;
  /** hex, for the leaves' authorityKeyIdentifier */
  subjectKeyIdentifier: string;
  created: boolean;
}

function describeUser(): string {
  try {
    return `${userInfo().username}@${hostname()}`;
  } catch {
    return hostname();
  }
}

function readCa(forge: Forge, directory: string, created: boolean): LocalCa {
  const certPath = join(directory, CA_CERT_FILE);
  const keyPath = join(directory, CA_KEY_FILE);
  let certPem: string;
  let privateKey: KeyObject;
  try {
    certPem = readFileSync(certPath, 'utf8');
    privateKey = createPrivateKey(readFileSync(keyPath));
  } catch (error) {
    throw new CliError(`cannot read the local CA in ${directory}: ${(error as Error).message}`, {
      exitCode: ExitCode.failed,
      hint: `remove ${directory} to make a new CA (and run --install-ca again), or set H2_SETUP_CAROOT`,
    });
  }
  const forgeCert = forge.pki.certificateFromPem(certPem);
  const ski = forgeCert.getExtension('subjectKeyIdentifier') as { subjectKeyIdentifier?: string } | undefined;
  if (!ski?.subjectKeyIdentifier) throw new CliError(`the local CA in ${directory} has no subjectKeyIdentifier`, { exitCode: ExitCode.failed });
  return {
    directory,
    certPath,
    keyPath,
    certPem,
    privateKey,
    certificate: new X509Certificate(certPem),
    subject: forgeCert.subject.attributes.map((attribute) => ({
      type: String(attribute.type),
      value: String(attribute.value),
      valueTagClass: attribute.valueTagClass,
    })),
    subjectKeyIdentifier: ski.subjectKeyIdentifier,
    created,
  };
}

/** A lock directory, so two `certs --ca` started at once do not make two CAs. */
async function withLock<T>(directory: string, body: () => Promise<T>): Promise<T> {
  const lock = join(directory, '.lock');
  for (let attempt = 0; ; attempt++) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // A lock older than a minute belongs to a process that died mid-way.
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 60_000 || attempt > 600) rmSync(lock, { recursive: true, force: true });
      await sleep(50);
    }
  }
  try {
    return await body();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * Loads the local development CA, creating it on first use: RSA-3072, ten years,
 * basicConstraints CA:TRUE pathlen:0 (it signs leaves only, never another CA) and
 * keyUsage keyCertSign + cRLSign, both critical, plus a subjectKeyIdentifier that
 * every leaf names as its authorityKeyIdentifier. The key is mode 0400 and never
 * copied out of the CA directory.
 */
export async function loadOrCreateLocalCa(forge: Forge, env: NodeJS.ProcessEnv = process.env): Promise<LocalCa> {
  const directory = caRootDirectory(env);
  const certPath = join(directory, CA_CERT_FILE);
  if (pathKind(certPath) === 'file') return readCa(forge, directory, false);
  // Name constraints (issue 12): read H2_SETUP_CA_PERMIT before anything is made, so a bad entry is a usage error that writes nothing.
  const permitted = caPermittedSubtrees(env);
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  return withLock(directory, async () => {
    if (pathKind(certPath) === 'file') return readCa(forge, directory, false);
    const { privateKey, publicKey } = await startRsaKeyGeneration(CA_KEY_BITS);
    const notBefore = new Date(Date.now() - CLOCK_SKEW_MS);
    const notAfter = new Date(notBefore.getTime() + CA_VALIDITY_DAYS * 86_400_000);
    const subject = [
      { name: 'commonName', value: `h2-setup development CA ${describeUser()}` },
      { name: 'organizationName', value: 'h2-setup development CA' },
      { name: 'organizationalUnitName', value: describeUser() },
    ];
    const { pem } = buildSignedCertificate(forge, {
      subjectPublicKeyPem: publicKeyToPem(publicKey),
      subject,
      signingKey: privateKey,
      notBefore,
      notAfter,
      extensions: [
        { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
        { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
        { name: 'subjectKeyIdentifier' },
        nameConstraintsExtension(permitted),
      ],
    });
    writeFilesAtomically([
      { path: join(directory, CA_KEY_FILE), contents: privateKeyToPem(privateKey), mode: 0o400 },
      { path: certPath, contents: pem, mode: 0o644 },
    ]);
    return readCa(forge, directory, true);
  });
}

/** Reads the CA certificate only (for --install-ca, which must not need the key). */
export function readLocalCaCertificate(
  env: NodeJS.ProcessEnv = process.env,
): { directory: string; certPath: string; certificate: X509Certificate } | undefined {
  const directory = caRootDirectory(env);
  const certPath = join(directory, CA_CERT_FILE);
  if (pathKind(certPath) !== 'file') return undefined;
  return { directory, certPath, certificate: new X509Certificate(readFileSync(certPath)) };
}
