// End to end in a real browser: after `h2-setup certs --install-ca` (into a temporary
// HOME's NSS database only), headless Chromium loads a page served over HTTP/2 + TLS
// with a `certs --ca` pair, and negotiates h2. Controls: a plain self-signed pair, and
// the CA-signed pair with the CA not installed, must both fail to load.
// Chromium and certutil come from Debian's chromium and libnss3-tools (CI's setup stage
// installs them); without them the test skips, or fails where CI requires it.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import http2 from 'node:http2';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { isolatedCaEnv } from '../helpers/ca-env.mjs';
import { dumpDom } from '../helpers/chromium.mjs';
import { runCli, tempDir } from '../helpers/cli.mjs';
import { realClients } from '../helpers/real-clients.mjs';

const PAGE_LOAD_TIMEOUT_MS = 60_000;

/**
 * An HTTP/2 + TLS server on loopback (port 0) whose page carries a marker unique to it
 * and the ALPN protocol the session negotiated. `seen` records every request it served.
 */
async function startPageServer(t, pairDir) {
  const marker = `h2-setup-browser-test-${randomUUID()}`;
  const seen = [];
  const tlsErrors = [];
  const sessions = new Set();
  const server = http2.createSecureServer({
    key: readFileSync(join(pairDir, 'private-key.pem')),
    cert: readFileSync(join(pairDir, 'public-cert.pem')),
  });
  server.on('session', (session) => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
  });
  server.on('tlsClientError', (error) => tlsErrors.push(error.code ?? error.message));
  server.on('stream', (stream, headers) => {
    const alpn = stream.session.alpnProtocol;
    seen.push({ path: headers[':path'], alpn, servername: stream.session.socket?.servername, userAgent: headers['user-agent'] ?? '' });
    if (headers[':path'] !== '/') {
      stream.respond({ ':status': 404 }, { endStream: true });
      return;
    }
    const body = `<!doctype html><html><head><title>h2-setup browser test</title></head><body><p id="marker">${marker}</p><p id="alpn">alpn=${alpn}</p></body></html>`;
    stream.respond({ ':status': 200, 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'x-alpn': String(alpn) });
    stream.end(body);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const close = () =>
    new Promise((resolve) => {
      for (const session of sessions) session.destroy();
      server.close(() => resolve());
    });
  t.after(close);
  return { url: `https://localhost:${server.address().port}/`, marker, seen, tlsErrors, close };
}

/** One page load in a fresh profile; checks it finished in time and left no browser process behind. */
async function load(t, chromium, url, home) {
  const userDataDir = tempDir(t, 'h2-setup-chromium-profile-');
  const started = Date.now();
  const run = await dumpDom(chromium, url, { home, userDataDir, timeoutMs: PAGE_LOAD_TIMEOUT_MS });
  t.diagnostic(`chromium --dump-dom ${url}: exit ${run.code ?? run.signal} in ${Date.now() - started} ms`);
  // Chromium logs much D-Bus noise in a container; keep the lines that say something.
  const stderrTail = run.stderr
    .trim()
    .split('\n')
    .filter((line) => line && !/dbus|DBus/.test(line))
    .slice(-15)
    .join('\n');
  const loadError = run.stderr.match(/Page load failed: (net::ERR_\w+)/)?.[1];
  if (loadError) t.diagnostic(`chromium: ${loadError}`);
  assert.equal(run.timedOut, false, `chromium did not finish within ${PAGE_LOAD_TIMEOUT_MS} ms\nstderr:\n${stderrTail}`);
  assert.deepEqual(run.leftovers, [], `chromium processes outlived the run (now killed): ${run.leftovers.join(', ')}`);
  return { ...run, stderrTail, loadError };
}

/**
 * A control failed for the right reason: the browser reached the server and ended the
 * TLS handshake with a certificate alert (not, say, a refused connection).
 * Chromium may open more than one connection for a page (a speculative one beside the
 * navigation's); whatever handshake is still under way when it quits after the refusal is
 * cut, which the server sees as ECONNRESET. Those are the only other errors allowed.
 */
function assertRefusedCertificate(server, run) {
  const certificateAlert = /CERTIFICATE_UNKNOWN|BAD_CERTIFICATE|UNKNOWN_CA/;
  assert.ok(
    server.tlsErrors.some((code) => certificateAlert.test(code)),
    `the server saw no handshake ended by a certificate alert (TLS errors: ${server.tlsErrors.join(', ') || 'none'}; ${run.loadError ?? 'no load error logged'})\nchromium stderr:\n${run.stderrTail}`,
  );
  for (const code of server.tlsErrors) assert.match(code, new RegExp(`${certificateAlert.source}|^ECONNRESET$`), `TLS errors: ${server.tlsErrors.join(', ')}`);
}

async function makePair(root, name, env, extraArgs) {
  const dir = join(root, name);
  const result = await runCli(['certs', ...extraArgs, '--out-dir', dir], { env });
  assert.equal(result.code, 0, `certs ${extraArgs.join(' ')}: ${result.stderr}`);
  return dir;
}

describe('headless Chromium and the local CA', { timeout: 5 * 60_000 }, () => {
  test('trusts a certs --ca pair over HTTP/2 once --install-ca ran, and refuses a self-signed pair', async (t) => {
    const browser = realClients(t, ['chromium', 'certutil']);
    if (!browser) return;

    const { root, home, env } = isolatedCaEnv(t);
    const installed = await runCli(['certs', '--install-ca', '--json'], { env });
    assert.equal(installed.code, 0, installed.stderr);
    const install = JSON.parse(installed.stdout);
    assert.deepEqual(
      install.actions.map((action) => action.status),
      ['installed'],
      installed.stdout,
    );
    assert.match(install.actions[0].store, /\.pki\/nssdb/);

    const caPair = await makePair(root, 'ca-pair', env, ['--ca']);
    const selfSigned = await makePair(root, 'self-signed', env, []);

    // The CA-signed pair, CA installed: the page loads, over h2.
    const trusted = await startPageServer(t, caPair);
    const good = await load(t, browser.chromium, trusted.url, home);
    assert.ok(
      good.dom.includes(trusted.marker),
      `the page did not load (${good.loadError ?? 'no load error logged'}); DOM:\n${good.dom.slice(0, 2000)}\nchromium stderr:\n${good.stderrTail}`,
    );
    assert.match(good.dom, /<p id="alpn">alpn=h2<\/p>/);
    const page = trusted.seen.find((request) => request.path === '/');
    assert.ok(page, `the server saw no request for /: ${JSON.stringify(trusted.seen)}`);
    assert.equal(page.alpn, 'h2');
    assert.equal(page.servername, 'localhost');
    assert.match(page.userAgent, /Chrome\//);
    assert.ok(
      trusted.seen.every((request) => request.alpn === 'h2'),
      JSON.stringify(trusted.seen),
    );
    await trusted.close();

    // Control: a plain self-signed pair (never installed), same HOME: no page.
    const untrusted = await startPageServer(t, selfSigned);
    const bad = await load(t, browser.chromium, untrusted.url, home);
    assert.ok(!bad.dom.includes(untrusted.marker), `a self-signed, uninstalled certificate was trusted; DOM:\n${bad.dom.slice(0, 2000)}`);
    assert.deepEqual(untrusted.seen, [], 'the browser sent no request over the untrusted connection');
    assertRefusedCertificate(untrusted, bad);
    await untrusted.close();

    // Control: the same CA-signed pair seen from a HOME whose NSS database lacks the
    // CA: no page, so it is --install-ca that made the first load work.
    const bareHome = join(root, 'bare-home');
    mkdirSync(bareHome);
    const uninstalled = await startPageServer(t, caPair);
    const bare = await load(t, browser.chromium, uninstalled.url, bareHome);
    assert.ok(!bare.dom.includes(uninstalled.marker), `the CA was trusted without --install-ca; DOM:\n${bare.dom.slice(0, 2000)}`);
    assert.deepEqual(uninstalled.seen, []);
    assertRefusedCertificate(uninstalled, bare);
    await uninstalled.close();
  });
});
