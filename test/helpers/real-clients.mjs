// The outside programs the real-client tests judge h2-setup with, and the Debian package
// each comes in. Tests never install them (CI's setup stage does): where one is missing
// the test skips with one line naming the package, except where
// H2_SETUP_REQUIRE_REAL_CLIENTS=1 (CI sets it), which turns that skip into a failure so
// a CI run cannot go green without the browser, NSS and curl checks having run.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The full path of `command` on PATH, or undefined. */
export function findOnPath(command, path = process.env.PATH ?? '') {
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

/** Names the real-client tests may ask for (for the CI setup stage and the tests of this helper). */
export const REAL_CLIENT_NAMES = Object.keys(REAL_CLIENTS);

const found = new Map();
function locate(name) {
  if (!found.has(name)) {
    const client = REAL_CLIENTS[name];
    const path = findOnPath(client.command);
    found.set(name, path && (client.usable?.(path) ?? true) ? path : undefined);
  }
  return found.get(name);
}

/** One line naming what is missing and the Debian packages that bring it. */
export function missingMessage(names) {
  const clients = names.map((name) => REAL_CLIENTS[name]);
  const packages = [...new Set(clients.map((client) => client.debianPackage))];
  return `${clients.map((client) => client.what ?? client.command).join(' and ')} not found: install Debian's ${packages.join(' and ')} (apt-get install ${packages.join(' ')})`;
}

/**
 * For the start of a real-client test: resolves the paths of the named clients
 * ({ chromium: '/usr/bin/chromium', ... }), or skips `t` and returns null when one is
 * missing. With H2_SETUP_REQUIRE_REAL_CLIENTS=1 a missing client throws instead.
 */
export function realClients(t, names) {
  for (const name of names) if (!(name in REAL_CLIENTS)) throw new Error(`unknown real client ${name}; known: ${REAL_CLIENT_NAMES.join(', ')}`);
  const missing = names.filter((name) => !locate(name));
  if (missing.length === 0) return Object.fromEntries(names.map((name) => [name, locate(name)]));
  const message = missingMessage(missing);
  if (process.env.H2_SETUP_REQUIRE_REAL_CLIENTS === '1') {
    throw new Error(`${message}; H2_SETUP_REQUIRE_REAL_CLIENTS=1 (set by CI) does not let a real-client test skip`);
  }
  t.skip(message);
  return null;
}
