// Headless Chromium for end-to-end tests: run one bounded page load and make sure no
// browser process outlives it. Finding Chromium (and NSS's certutil) is real-clients.mjs's
// job; installing them is CI's setup stage's (.ci/run), never a test's.
import { spawn } from 'node:child_process';
import { killProcessTree, newRunMarker, processesMentioning } from './process-tree.mjs';

/** The flags every run uses: headless, no sandbox (CI runs as root), and no network of its own. */
export function chromiumFlags(userDataDir) {
  return [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--no-default-browser-check',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    `--user-data-dir=${userDataDir}`,
  ];
}

/**
 * Loads `url` in headless Chromium with `--dump-dom`, HOME set to `home` (Chromium
 * reads $HOME/.pki/nssdb), and a fresh profile in `userDataDir`. Resolves
 * { dom, stderr, code, signal, timedOut, leftovers } where leftovers are pids of
 * browser processes still running after the run (killed before resolving).
 */
export async function dumpDom(chromium, url, { home, userDataDir, timeoutMs = 60_000, extraFlags = [] }) {
  const marker = newRunMarker();
  const env = { ...process.env, HOME: home, ...marker.env };
  delete env.DISPLAY;
  delete env.WAYLAND_DISPLAY;
  const child = spawn(chromium, [...chromiumFlags(userDataDir), ...extraFlags, '--dump-dom', url], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let dom = '';
  let stderr = '';
  let timedOut = false;
  child.stdout.setEncoding('utf8').on('data', (chunk) => (dom += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
  const timer = setTimeout(() => {
    timedOut = true;
    killProcessTree(child.pid, marker.id);
  }, timeoutMs);
  const { code, signal } = await new Promise((resolve, reject) => {
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
  });
  // Helpers (zygote, utility processes) share the group; give them a moment to exit
  // with the browser, then see whether any are left and, if so, end them.
  let leftovers = processesMentioning(userDataDir);
  for (let waited = 0; leftovers.length > 0 && waited < 5_000; waited += 100) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    leftovers = processesMentioning(userDataDir);
  }
  if (leftovers.length > 0) killProcessTree(child.pid, marker.id);
  return { dom, stderr, code, signal, timedOut, leftovers };
}
