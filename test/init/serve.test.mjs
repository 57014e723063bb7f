// The browser demo of a TLS project, as its README tells a newcomer to use it:
// `certs --install-ca` (into a temporary HOME's NSS database only), `init --ca`,
// `npm run serve`, open https://localhost:PORT/ in headless Chromium. The page loads
// over h2 with no certificate error and shows the session's protocol; when the
// browser lets the connection go the server logs the session's 'close'; Ctrl-C stops
// it cleanly. On Node 20 and on Node 26.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import http2 from 'node:http2';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { isolatedCaEnv } from '../helpers/ca-env.mjs';
import { dumpDom } from '../helpers/chromium.mjs';
import { runCli, tempDir } from '../helpers/cli.mjs';
import { realClients } from '../helpers/real-clients.mjs';
import { envFor, freePort, nodeLines, startServer } from '../helpers/scaffolded-project.mjs';

const READY = /^Serving https:\/\/localhost:\d+\/ over HTTP\/2/m;

/** A non-loopback IPv4 address of this machine, to show the demo is not reachable on it. */
function outsideAddress() {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const address of addresses ?? []) if (address.family === 'IPv4' && !address.internal) return address.address;
  }
  return undefined;
}

/** Resolves with the error code of a TCP connection attempt, or 'connected'. */
function tryConnect(host, port) {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.setTimeout(5_000, () => {
      socket.destroy();
      resolve('timeout');
    });
    socket.on('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.on('error', (error) => resolve(error.code));
  });
}

/**
 * Stopped by its own Ctrl-C handling, not killed: it logged the shutdown. npm, like a
 * shell, then ends itself by the same SIGINT (the convention for an interrupted
 * command), and tsx with 130; either is a clean stop, SIGKILL (the bound) is not.
 */
function assertStoppedByCtrlC(stopped) {
  assert.match(stopped.stdout, /^Server closed\.$/m, `${stopped.stdout}\n${stopped.stderr}`);
  assert.ok(stopped.signal === 'SIGINT' || stopped.code === 0 || stopped.code === 130, `exit ${stopped.code ?? stopped.signal}\n${stopped.stderr}`);
  assert.equal(stopped.stderr, '', 'nothing on stderr');
}

describe('npm run serve: the browser demo', { timeout: 15 * 60_000 }, () => {
  for (const line of nodeLines()) {
    test(`on ${line.label}: headless Chromium loads it over h2, trusted, and the server logs the session's 'close'`, { skip: line.skip }, async (t) => {
      // Present only: a test never installs system packages (see COMMON.md).
      const browser = realClients(t, ['chromium', 'certutil']);
      if (!browser) return;
      const { home, env } = isolatedCaEnv(t);
      const installed = await runCli(['certs', '--install-ca'], { env });
      assert.equal(installed.code, 0, installed.stderr);

      const cwd = tempDir(t);
      const init = await runCli(['init', 'demo', '--ca', '--yes', '--no-verify', '--install'], { cwd, env, timeoutMs: 240_000 });
      assert.equal(init.code, 0, `${init.stdout}\n${init.stderr}`);
      assert.match(init.stdout, /^ {2}npm run serve$/m, 'the next steps name the demo');
      const dir = join(cwd, 'demo');
      assert.match(readFileSync(join(dir, 'README.md'), 'utf8'), /npm run serve {14}# then open https:\/\/localhost:8000\//);

      const port = await freePort();
      const serverEnv = envFor(line.node, { ...env, PORT: String(port) });
      const server = await startServer(t, 'npm', ['run', 'serve', '--silent'], { cwd: dir, env: serverEnv, ready: READY, timeoutMs: 60_000 });
      assert.match(server.output().stdout, new RegExp(`Serving https://localhost:${port}/`), 'PORT chose the port');

      // Loopback only: the port is not open on the machine's other addresses.
      const outside = outsideAddress();
      if (outside) assert.notEqual(await tryConnect(outside, port), 'connected', `reachable on ${outside}`);
      else t.diagnostic('no non-loopback IPv4 address to check the loopback-only claim against');

      const userDataDir = tempDir(t, 'h2-setup-chromium-profile-');
      const page = await dumpDom(browser.chromium, `https://localhost:${port}/`, { home, userDataDir, timeoutMs: 60_000 });
      assert.equal(page.timedOut, false, 'chromium finished');
      assert.deepEqual(page.leftovers, [], 'no browser process outlived the run');
      const loadError = page.stderr.match(/net::ERR_\w+/)?.[0];
      assert.match(
        page.dom,
        /This page came over session <b>#1<\/b>, protocol <b id="protocol">h2<\/b>/,
        `page not loaded (${loadError ?? 'no error logged'})`,
      );
      assert.doesNotMatch(server.output().stdout, /TLS handshake failed/, 'no certificate error');

      // Chromium has exited, so the connection is gone: the session's 'close' is logged.
      await server.waitFor(/session #1 opened \(ALPN protocol h2\)/, 1_000);
      const log = await server.waitFor(/session #1 closed: its 'close' event fired \(\d+ request\(s\)/, 30_000);
      t.diagnostic(log.trim().split('\n').join(' | '));

      // A session still open at Ctrl-C is closed by it, and its 'close' logged.
      const openedBefore = server.output().stdout.match(/ opened /g)?.length ?? 0;
      const client = http2.connect(`https://localhost:${port}`, { ca: readFileSync(join(dir, 'ca-cert.pem')) });
      t.after(() => client.destroy());
      client.on('error', (error) => t.diagnostic(`client: ${error.code} ${error.message}`)); // the server going away at Ctrl-C is expected
      client.on('close', () => t.diagnostic('client session closed'));
      await server.waitFor(new RegExp(`(?:[\\s\\S]*? session #\\d+ opened ){${openedBefore + 1}}`), 60_000);

      // Ctrl-C, as a terminal sends it (to the whole group: npm, tsx and node).
      const stopped = await server.stop('SIGINT');
      assertStoppedByCtrlC(stopped);
      const afterStop = stopped.stdout.slice(stopped.stdout.indexOf('Stopping: closing'));
      assert.match(afterStop, /^Stopping: closing [1-9]\d* open session\(s\)\./, stopped.stdout);
      assert.match(afterStop, new RegExp(`session #${openedBefore + 1} closed: its 'close' event fired`), stopped.stdout);
    });
  }

  test('the self-signed (not CA) TLS project also gets it, and a browser that does not trust it is explained', async (t) => {
    const browser = realClients(t, ['chromium', 'certutil']);
    if (!browser) return;
    const { home, env } = isolatedCaEnv(t);
    const cwd = tempDir(t);
    const init = await runCli(['init', 'demo', '--tls', '--yes', '--no-verify', '--install'], { cwd, env, timeoutMs: 240_000 });
    assert.equal(init.code, 0, `${init.stdout}\n${init.stderr}`);
    const port = await freePort();
    const server = await startServer(t, 'npm', ['run', 'serve', '--silent'], {
      cwd: join(cwd, 'demo'),
      env: { ...env, PORT: String(port) },
      ready: READY,
      timeoutMs: 60_000,
    });
    const page = await dumpDom(browser.chromium, `https://localhost:${port}/`, {
      home,
      userDataDir: tempDir(t, 'h2-setup-chromium-profile-'),
      timeoutMs: 60_000,
    });
    assert.doesNotMatch(page.dom, /This page came over session/);
    await server.waitFor(/a TLS handshake failed \(.+\): does the browser trust the certificate\?/, 30_000);
    assertStoppedByCtrlC(await server.stop('SIGINT'));
  });
});
