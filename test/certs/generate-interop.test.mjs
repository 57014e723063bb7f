// The generated pair, used for real: an HTTP/2 server over TLS, reached by curl and by
// Node's own http2 client with default host name checks (no rejectUnauthorized: false).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http2 from 'node:http2';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runCli } from '../helpers/cli.mjs';
import { realClients } from '../helpers/real-clients.mjs';

/** Runs curl (the path realClients found) with a time bound; never rejects. */
function curl(path, args) {
  return new Promise((resolve) => {
    execFile(path, ['--silent', '--show-error', '--max-time', '60', ...args], { encoding: 'utf8', timeout: 90_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

// Suite limits bound a hang, not a busy machine: 180 s, far above a normal run.
describe('a TLS HTTP/2 server with the generated pair', { timeout: 180_000 }, () => {
  let dir;
  let server;
  let port;
  const certPath = () => join(dir, 'public-cert.pem');

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'h2-setup-interop-'));
    const made = await runCli(['certs', '--out-dir', dir]);
    assert.equal(made.code, 0, made.stderr);
    server = http2.createSecureServer({ key: readFileSync(join(dir, 'private-key.pem')), cert: readFileSync(certPath()) });
    server.on('stream', (stream) => {
      stream.respond({ ':status': 200, 'content-type': 'text/plain' });
      stream.end(`alpn=${stream.session.alpnProtocol}`);
    });
    await new Promise((resolve) => server.listen(0, 'localhost', resolve));
    port = server.address().port;
  });
  after(async () => {
    await new Promise((resolve) => (server ? server.close(resolve) : resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  /** A second server on one loopback address; resolves null when the address cannot be had. */
  async function serverOn(t, host, body) {
    const server = http2.createSecureServer({ key: readFileSync(join(dir, 'private-key.pem')), cert: readFileSync(certPath()) }, (_req, res) => res.end(body));
    const listened = await new Promise((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(0, host, () => resolve(true));
    });
    if (!listened) return null;
    t.after(() => new Promise((resolve) => server.close(resolve)));
    return server.address().port;
  }

  // The server listens on the address `localhost` resolved to first; curl must be able to
  // reach the same address by both names, so 127.0.0.1 and ::1 get servers of their own.
  test('curl --http2 --cacert reaches https://localhost', async (t) => {
    const clients = realClients(t, ['curl']);
    if (!clients) return;
    const result = await curl(clients.curl, ['--http2', '--cacert', certPath(), '--write-out', ' %{http_version}', `https://localhost:${port}/`]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'alpn=h2 2');
  });

  test('curl --http2 --cacert reaches https://127.0.0.1', async (t) => {
    const clients = realClients(t, ['curl']);
    if (!clients) return;
    const v4 = await serverOn(t, '127.0.0.1', 'ok');
    assert.ok(v4, 'could not listen on 127.0.0.1');
    const result = await curl(clients.curl, ['--http2', '--cacert', certPath(), '--write-out', ' %{http_version}', `https://127.0.0.1:${v4}/`]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'ok 2');
  });

  test('curl --http2 --cacert reaches https://[::1]', async (t) => {
    const clients = realClients(t, ['curl']);
    if (!clients) return;
    const v6 = await serverOn(t, '::1', 'ok6');
    // Not a missing tool: the machine has no IPv6 loopback, which CI cannot install.
    if (!v6) {
      t.skip('this machine has no IPv6 loopback (cannot listen on ::1)');
      return;
    }
    const result = await curl(clients.curl, ['--http2', '--cacert', certPath(), '--write-out', ' %{http_version}', `https://[::1]:${v6}/`]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'ok6 2');
  });

  test('curl without the certificate is refused (the check is real)', async (t) => {
    const clients = realClients(t, ['curl']);
    if (!clients) return;
    const result = await curl(clients.curl, [
      '--http2',
      '--cacert',
      fileURLToPath(new URL('../fixtures/tutorial-cert.pem', import.meta.url)),
      `https://localhost:${port}/`,
    ]);
    assert.notEqual(result.code, 0);
  });

  test("Node's http2 client with ca: and default host name checks", async () => {
    for (const host of ['localhost', '127.0.0.1']) {
      const client = http2.connect(`https://${host}:${port}`, { ca: readFileSync(certPath()) });
      try {
        const body = await new Promise((resolve, reject) => {
          client.on('error', reject);
          const req = client.request({ ':path': '/' });
          let data = '';
          req.setEncoding('utf8');
          req.on('data', (chunk) => (data += chunk));
          req.on('end', () => resolve(data));
          req.on('error', reject);
        });
        assert.equal(body, 'alpn=h2');
      } finally {
        client.close();
      }
    }
  });

  test("Node's client rejects a name the certificate does not cover", async () => {
    const client = http2.connect(`https://localhost:${port}`, { ca: readFileSync(certPath()), servername: 'example.com' });
    const error = await new Promise((resolve) => client.on('error', resolve));
    client.destroy();
    assert.equal(error.code, 'ERR_TLS_CERT_ALTNAME_INVALID');
  });
});
