/** --install-ca and --uninstall-ca: which stores are touched, and each platform's own. */
import { usageError } from '../../common/index.js';
import type { TrustAction, TrustContext } from './context.js';
import { updateMacosKeychain } from './macos.js';
import { updateNss } from './nss.js';
import { updateLinuxSystemStore } from './system-store.js';
import { updateWindowsRoot } from './windows.js';

/**
 * The trust stores h2-setup can add its local CA to. Like mkcert's TRUST_STORES,
 * H2_SETUP_TRUST_STORES (a comma list of these names) limits which are touched;
 * tests use it so they never reach the machine's real system store.
 */
export const TRUST_STORES = ['nss', 'system'] as const;

export type TrustStore = (typeof TRUST_STORES)[number];

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

/** Adds the CA to (or removes it from) every selected store it can reach, and says what it did. */
export function updateTrustStores(context: TrustContext, install: boolean): TrustAction[] {
  const actions: TrustAction[] = [];
  for (const store of selectedStores(context.env)) {
    if (store === 'nss') actions.push(...updateNss(context, install));
    else if (context.platform === 'darwin') actions.push(updateMacosKeychain(context, install));
    else if (context.platform === 'win32') actions.push(updateWindowsRoot(context, install));
    else actions.push(updateLinuxSystemStore(context, install));
  }
  return actions;
}
