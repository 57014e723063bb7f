// Headless Chromium for end-to-end tests: find it (and NSS's certutil), install both
// from Debian's archive when they are missing and we are root, run one bounded page
// load, and make sure no browser process outlives it.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';

const INSTALL_TIMEOUT_MS = 10 * 60_000;

/** The full path of `command` on PATH, or undefined. */
export function findOnPath(command, path = process.env.PATH ?? '') {
  for (const dir of path.split(delimiter)) {
    if (dir && existsSync(join(dir, command))) return join(dir, command);
  }
  return undefined;
}

/** Runs a command with a time bound; resolves { code, signal, output, timedOut }. Never rejects. */
function runBounded(command, args, { env = process.env, timeoutMs }) {
  return new Promise((resolve) => {
    let output = '';
    let timedOut = false;
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    child.stdout.setEncoding('utf8').on('data', (chunk) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk) => (output += chunk));
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {}
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ code: null, signal: null, output: `${output}${error.message}`, timedOut });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, output, timedOut });
    });
  });
}

const tail = (text, lines = 5) => text.trim().split('\n').slice(-lines).join(' | ');

/**
 * Makes sure `chromium` and `certutil` are on PATH, installing Debian's `chromium` and
 * `libnss3-tools` (apt-get, as root, within 10 minutes) when either is missing.
 * Resolves { chromium, certutil, installed } or { skip: 'why the browser cannot be had' }.
 */
export async function ensureChromium({ log = () => {} } = {}) {
  let chromium = findOnPath('chromium');
  let certutil = findOnPath('certutil');
  if (chromium && certutil) return { chromium, certutil, installed: false };

  const missing = [!chromium && 'chromium', !certutil && 'certutil (libnss3-tools)'].filter(Boolean).join(' and ');
  if (process.platform !== 'linux') return { skip: `${missing} not found, and installing it is only automated on Debian-like Linux` };
  const aptGet = findOnPath('apt-get');
  if (!aptGet) return { skip: `${missing} not found, and there is no apt-get to install it with` };
  if (process.getuid?.() !== 0) return { skip: `${missing} not found, and installing it with apt-get needs root` };

  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const started = Date.now();
  log(`installing chromium and libnss3-tools with apt-get (${missing} missing)`);
  const update = await runBounded(aptGet, ['update'], { env, timeoutMs: INSTALL_TIMEOUT_MS });
  if (update.code !== 0) {
    return { skip: `${missing} not found, and apt-get update ${update.timedOut ? 'timed out' : `failed (exit ${update.code})`}: ${tail(update.output)}` };
  }
  const left = Math.max(INSTALL_TIMEOUT_MS - (Date.now() - started), 60_000);
  const install = await runBounded(aptGet, ['install', '-y', '--no-install-recommends', 'chromium', 'libnss3-tools'], { env, timeoutMs: left });
  if (install.code !== 0) {
    return {
      skip: `${missing} not found, and apt-get install chromium libnss3-tools ${install.timedOut ? 'timed out' : `failed (exit ${install.code})`}: ${tail(install.output)}`,
    };
  }
  chromium = findOnPath('chromium');
  certutil = findOnPath('certutil');
  if (!chromium || !certutil) {
    const still = [!chromium && 'chromium', !certutil && 'certutil'].filter(Boolean).join(' and ');
    return { skip: `apt-get install chromium libnss3-tools succeeded, but ${still} is still not on PATH` };
  }
  log(`installed chromium and libnss3-tools in ${Math.round((Date.now() - started) / 1000)} s`);
  return { chromium, certutil, installed: true };
}

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

/** Pids of processes whose command line contains `needle` (read from /proc; Linux only). */
export function processesMentioning(needle) {
  const pids = [];
  let entries = [];
  try {
    entries = readdirSync('/proc');
  } catch {
    return pids;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (
        readFileSync(`/proc/${entry}/cmdline`, 'utf8')
          .split('\0')
          .some((arg) => arg.includes(needle))
      )
        pids.push(Number(entry));
    } catch {}
  }
  return pids;
}

/**
 * Loads `url` in headless Chromium with `--dump-dom`, HOME set to `home` (Chromium
 * reads $HOME/.pki/nssdb), and a fresh profile in `userDataDir`. Resolves
 * { dom, stderr, code, signal, timedOut, leftovers } where leftovers are pids of
 * browser processes still running after the run (killed before resolving).
 */
export async function dumpDom(chromium, url, { home, userDataDir, timeoutMs = 60_000, extraFlags = [] }) {
  const env = { ...process.env, HOME: home };
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
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {}
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
  if (leftovers.length > 0) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {}
    for (const pid of leftovers) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {}
    }
  }
  return { dom, stderr, code, signal, timedOut, leftovers };
}
