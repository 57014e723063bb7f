// An environment that keeps CA tests away from the real CA directory and trust
// stores: a temporary HOME and H2_SETUP_CAROOT, and only the NSS store selected
// (the system store would be the machine's own).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './cli.mjs';

export function isolatedCaEnv(t) {
  const root = tempDir(t, 'h2-setup-ca-');
  const home = join(root, 'home');
  mkdirSync(home);
  return { root, home, env: { HOME: home, H2_SETUP_CAROOT: join(root, 'caroot'), H2_SETUP_TRUST_STORES: 'nss', XDG_DATA_HOME: join(home, '.local', 'share') } };
}
