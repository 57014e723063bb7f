/**
 * The local development CA: where it lives, loading or creating it, its name constraints,
 * and the throwaway leaf --install-ca asks clients about. Uses x509/ and profile/.
 */
export { type LocalCa, loadOrCreateLocalCa, readLocalCaCertificate } from './local-ca.js';
export {
  assertHostsPermittedByLocalCa,
  type CaConstraintsReport,
  caConstraintsOf,
  caPermittedSubtrees,
  extraPermitted,
  hostsOutsideConstraints,
  isHostPermitted,
  localCaConstraints,
  outsideConstraintsError,
  parseCaPermit,
  readNameConstraints,
  replaceCaCommand,
  subtreeText,
  unconstrainedCaNotice,
} from './name-constraints.js';
export { caRootDirectory, caRootNotice } from './root.js';
export { makeTrialLeaf } from './trial-leaf.js';
