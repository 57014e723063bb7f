import { readFileSync } from 'node:fs';
import { shellQuote } from '../common/index.js';
import { type CaConstraintsReport, caConstraintsOf, caRootDirectory, loadOrCreateLocalCa, readLocalCaCertificate } from './ca/index.js';
import { type NodeTrustLine, selectedStores, shortestNodeLine, type TrustAction, type TrustVerdict, updateTrustStores } from './trust/index.js';

export interface InstallCaOptions {
  uninstall?: boolean;
  env?: NodeJS.ProcessEnv;
}

export interface InstallCaResult {
  ok: boolean;
  action: 'install' | 'uninstall';
  caDirectory: string;
  caCertPath: string | null;
  caCreated: boolean;
  caSubject: string | null;
  actions: TrustAction[];
  nodeExtraCaCerts: string | null;
  /** After an install: the shortest line that makes the running Node trust the CA (`node --use-system-ca`
   *  when the system store it reads holds the CA, else NODE_EXTRA_CA_CERTS), and from which Node line on it works. */
  node?: NodeTrustLine;
  /** Whether the CA is name-constrained (one made by an older h2-setup is not); absent when there is no CA. */
  caConstraints?: CaConstraintsReport;
  /** After an install: which clients now accept a throwaway localhost leaf signed by the CA, asked
   *  rather than assumed, since a store can be installed into and still not be read. */
  trust?: TrustVerdict[];
}

/**
 * `h2-setup certs --install-ca | --uninstall-ca`: puts the local CA into (or takes it
 * out of) the trust stores it can reach. Installing creates the CA on first use;
 * uninstalling never creates one.
 */
export async function installLocalCa(options: InstallCaOptions): Promise<InstallCaResult> {
  const env = options.env ?? process.env;
  selectedStores(env); // a bad H2_SETUP_TRUST_STORES is a usage error before anything is made
  const action = options.uninstall ? 'uninstall' : 'install';
  let ca = readLocalCaCertificate(env);
  let created = false;
  if (!ca && !options.uninstall) {
    const made = await loadOrCreateLocalCa(env);
    ca = { directory: made.directory, certPath: made.certPath, certificate: made.certificate };
    created = made.created;
  }
  if (!ca && options.uninstall) {
    // The CA directory is gone, but the CA may still be trusted: find ours in the stores by name.
    const actions = updateTrustStores(
      { caCertPath: '', caName: 'h2-setup development CA (none)', caSerial: '', env, platform: process.platform },
      false,
    ).filter((entry) => entry.status === 'removed' || entry.status === 'failed');
    return {
      ok: actions.every((entry) => entry.status !== 'failed'),
      action,
      caDirectory: caRootDirectory(env),
      caCertPath: null,
      caCreated: false,
      caSubject: null,
      actions,
      nodeExtraCaCerts: null,
    };
  }
  if (!ca) {
    return { ok: true, action, caDirectory: caRootDirectory(env), caCertPath: null, caCreated: false, caSubject: null, actions: [], nodeExtraCaCerts: null };
  }
  const caName = `h2-setup development CA ${ca.certificate.serialNumber.toLowerCase()}`;
  const actions = updateTrustStores(
    { caCertPath: ca.certPath, caName, caSerial: ca.certificate.serialNumber, env, platform: process.platform },
    !options.uninstall,
  );
  const trust = options.uninstall ? undefined : await trustAfterInstall(ca.certPath, env);
  return {
    ok: actions.every((entry) => entry.status !== 'failed'),
    action,
    caDirectory: ca.directory,
    caCertPath: ca.certPath,
    caCreated: created,
    caSubject: ca.certificate.subject.replace(/\n/g, ', '),
    actions,
    nodeExtraCaCerts: options.uninstall ? null : `NODE_EXTRA_CA_CERTS=${shellQuote(ca.certPath)}`,
    ...(options.uninstall ? {} : { node: shortestNodeLine(ca.certPath, readFileSync(ca.certPath, 'utf8')) }),
    caConstraints: caConstraintsOf(ca.certificate),
    ...(trust ? { trust } : {}),
  };
}

/**
 * The same question --check asks, about a throwaway leaf the CA signs in memory. Installing
 * needs only the CA certificate; when its key cannot be read (another user's CA), the stores
 * are already updated and the check is left out rather than failing the install.
 */
async function trustAfterInstall(caCertPath: string, env: NodeJS.ProcessEnv): Promise<TrustVerdict[] | undefined> {
  let ca: Awaited<ReturnType<typeof loadOrCreateLocalCa>>;
  try {
    ca = await loadOrCreateLocalCa(env);
  } catch {
    return undefined;
  }
  const { makeTrialLeaf } = await import('./ca/index.js');
  const { checkTrust } = await import('./trust/index.js');
  const leaf = makeTrialLeaf(ca);
  return checkTrust(leaf.certPem, leaf.keyPem, ca.certPem, { caCertPath, caDirectory: ca.directory, env });
}
