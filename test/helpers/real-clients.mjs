// The outside programs the real-client tests judge h2-setup with, and the Debian package
// each comes in. Tests never install them (CI's setup stage does): where one is missing
// the test skips with one line naming the package, except where
// H2_SETUP_REQUIRE_REAL_CLIENTS=1 (CI sets it), which turns that skip into a failure so
// a CI run cannot go green without the browser, NSS and curl checks having run.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The full path of `command` on PATH, or undefined. */
function findOnPath(command, path = process.env.PATH ?? '') {
  for (const dir of path.split(delimiter)) {
    if (dir && existsSync(join(dir, command))) return join(dir, command);
  }
  return undefined;
}

const REAL_CLIENTS = {
  chromium: { command: 'chromium', debianPackage: 'chromium' },
  certutil: { command: 'certutil', debianPackage: 'libnss3-tools' },
  // Debian's curl is built with nghttp2; a curl without it cannot be the HTTP/2 judge.
  curl: {
    command: 'curl',
    debianPackage: 'curl',
    usable: (path) => /\bHTTP2\b/.test(spawnSync(path, ['--version'], { encoding: 'utf8' }).stdout ?? ''),
    what: 'curl with HTTP/2',
  },
  openssl: { command: 'openssl', debianPackage: 'openssl' },
  nghttp: { command: 'nghttp', debianPackage: 'nghttp2-client' },
};

/** The names findRealClients and realClients accept. */
export const REAL_CLIENT_NAMES = Object.keys(REAL_CLIENTS);

const located = new Map();
function locate(name) {
  if (!located.has(name)) {
    const client = REAL_CLIENTS[name];
    const path = findOnPath(client.command);
    located.set(name, path && (client.usable?.(path) ?? true) ? path : undefined);
  }
  return located.get(name);
}

/** One line naming what is missing and the Debian packages that bring it. */
export function missingMessage(names) {
  const clients = names.map((name) => REAL_CLIENTS[name]);
  const packages = [...new Set(clients.map((client) => client.debianPackage))];
  return `${clients.map((client) => client.what ?? client.command).join(' and ')} not found: install Debian's ${packages.join(' and ')} (apt-get install ${packages.join(' ')})`;
}

/**
 * The paths of the named clients ({ chromium: '/usr/bin/chromium', ... }), or
 * { missing: 'one line naming the packages' } when one is not there. Throws instead where
 * H2_SETUP_REQUIRE_REAL_CLIENTS=1.
 */
export function findRealClients(names) {
  for (const name of names) if (!(name in REAL_CLIENTS)) throw new Error(`unknown real client ${name}; known: ${REAL_CLIENT_NAMES.join(', ')}`);
  const absent = names.filter((name) => !locate(name));
  if (absent.length === 0) return Object.fromEntries(names.map((name) => [name, locate(name)]));
  const missing = missingMessage(absent);
  if (process.env.H2_SETUP_REQUIRE_REAL_CLIENTS === '1') {
    throw new Error(`${missing}; H2_SETUP_REQUIRE_REAL_CLIENTS=1 (set by CI) does not let a real-client test skip`);
  }
  return { missing };
}

/**
 * For the start of a real-client test: the paths of the named clients, or null after
 * skipping `t` with the line naming the packages to install (a failure where
 * H2_SETUP_REQUIRE_REAL_CLIENTS=1).
 */
export function realClients(t, names) {
  const found = findRealClients(names);
  if (!found.missing) return found;
  t.skip(found.missing);
  return null;
}
