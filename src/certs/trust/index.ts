/**
 * Trust: who accepts a certificate, asked of each client's own verifier (checkTrust), and
 * the trust stores --install-ca puts the local CA into (updateTrustStores). One file per
 * client family or platform: node, openssl, nss, macos, windows, system-store (Linux).
 */
export { checkTrust } from './check.js';
export { TRUST_CLIENTS, type TrustAction, type TrustClient, type TrustVerdict, UNTESTED_CLIENTS } from './context.js';
export {
  inSystemStore,
  NODE_USE_SYSTEM_CA_FROM,
  type NodeTrustLine,
  shortestNodeLine,
  systemCaSupport,
  systemStoreHint,
  USE_SYSTEM_CA_FROM,
} from './node-system-ca.js';
export { selectedStores, updateTrustStores } from './stores.js';
