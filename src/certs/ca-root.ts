import { homedir } from 'node:os';
import { join } from 'node:path';

/** File names inside the CA root, as mkcert names them, so a person who knows one knows both. */
export const CA_CERT_FILE = 'rootCA.pem';
export const CA_KEY_FILE = 'rootCA-key.pem';

/**
 * Where the local development CA lives: `H2_SETUP_CAROOT` when set (tests, or a user
 * who wants it elsewhere), otherwise the platform's per-user data directory. Never
 * inside a project: the CA key can sign a certificate for any name, so it must not
 * end up in a repository or a container image.
 */
export function caRootDirectory(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.H2_SETUP_CAROOT) return env.H2_SETUP_CAROOT;
  const home = env.HOME || homedir();
  if (platform === 'win32') return join(env.LOCALAPPDATA || join(home, 'AppData', 'Local'), 'h2-setup');
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'h2-setup');
  return join(env.XDG_DATA_HOME || join(home, '.local', 'share'), 'h2-setup');
}
