// A private HOME for the whole test file, set on process.env as soon as the helpers are
// imported, so that everything the tests start inherits it: the CLI through runCli, but
// also programs a test spawns itself (a pty wrapper, npm, Chromium, certutil). Without it
// a test that forgets to pass its own environment writes into the user's real
// ~/.cache/h2-setup, CA root (~/.local/share/h2-setup) or NSS database (~/.pki/nssdb).
// Tests that need one of these per test still make their own (ca-env.mjs, verifyEnv).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

const userHome = homedir();
const root = mkdtempSync(join(tmpdir(), 'h2-setup-test-home-'));
process.on('exit', () => rmSync(root, { recursive: true, force: true }));

const home = join(root, 'home');
mkdirSync(home);
// The temporary directory too: what the tests' own programs put there by design (tsx's
// cache, Node's compile cache under tsx on Node 22+, a test's temporary directory that a
// cancelled test could not remove) goes with the sandbox when the test file's process ends.
const tmp = join(root, 'tmp');
mkdirSync(tmp);

/** What every test file's process (and so every child) runs with. */
export const sandbox = {
  root,
  home,
  env: {
    HOME: home,
    XDG_CACHE_HOME: join(home, '.cache'),
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_DATA_HOME: join(home, '.local', 'share'),
    XDG_STATE_HOME: join(home, '.local', 'state'),
    H2_SETUP_CACHE_DIR: join(root, 'h2-setup-cache'),
    H2_SETUP_CAROOT: join(root, 'h2-setup-caroot'),
    // Never the machine's system store (that would need root and change the machine);
    // the NSS store is the one inside the HOME above.
    H2_SETUP_TRUST_STORES: 'nss',
    TMPDIR: tmp,
    // npm (init --install, npm start) keeps reading the user's own npm settings (registry,
    // proxy, CA file) and its shared download cache, which `npm ci` fills anyway; without
    // these it would look for them in the empty HOME and download everything again.
    npm_config_userconfig: process.env.npm_config_userconfig ?? join(userHome, '.npmrc'),
    npm_config_cache: process.env.npm_config_cache ?? join(userHome, '.npm'),
  },
};

Object.assign(process.env, sandbox.env);
