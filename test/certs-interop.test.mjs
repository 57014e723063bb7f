// The generated pair, used for real: an HTTP/2 server over TLS, reached by curl and by
// Node's own http2 client with default host name checks (no rejectUnauthorized: false).
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http2 from 'node:http2';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runCli } from './helpers/cli.mjs';

const hasCurlHttp2 = (() => {
  const probe = spawnSync('curl', ['--version'], { encoding: 'utf8' });
  return probe.status === 0 && /HTTP2/.test(probe.stdout);
})();

function curl(args) {
  return new Promise((resolve) => {
    execFile('curl', ['--silent', '--show-error', '--max-time', '10', ...args], { encoding: 'utf8', timeout: 15_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('a TLS HTTP/2 server with the generated pair', { timeout: 60_000 }, () => {
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

  // The server listens on the address `localhost` resolved to first; curl must be able to
  // reach the same address by both names, so 127.0.0.1 is tested only when that is it.
  test('curl --http2 --cacert reaches https://localhost', { skip: hasCurlHttp2 ? false : 'curl with HTTP/2 is not installed' }, async () => {
    const result = await curl(['--http2', '--cacert', certPath(), '--write-out', ' %{http_version}', `https://localhost:${port}/`]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'alpn=h2 2');
  });

  test('curl --http2 --cacert reaches https://127.0.0.1 and https://[::1]', { skip: hasCurlHttp2 ? false : 'curl with HTTP/2 is not installed' }, async () => {
    const v4 = http2.createSecureServer({ key: readFileSync(join(dir, 'private-key.pem')), cert: readFileSync(certPath()) }, (_req, res) => res.end('ok'));
    await new Promise((resolve) => v4.listen(0, '127.0.0.1', resolve));
    try {
      const result = await curl(['--http2', '--cacert', certPath(), '--write-out', ' %{http_version}', `https://127.0.0.1:${v4.address().port}/`]);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout, 'ok 2');
    } finally {
      await new Promise((resolve) => v4.close(resolve));
    }
    const v6 = http2.createSecureServer({ key: readFileSync(join(dir, 'private-key.pem')), cert: readFileSync(certPath()) }, (_req, res) => res.end('ok6'));
    const listened = await new Promise((resolve) => {
      v6.once('error', () => resolve(false));
      v6.listen(0, '::1', () => resolve(true));
    });
    if (!listened) return; // no IPv6 loopback on this machine
    try {
      const result = await curl(['--http2', '--cacert', certPath(), `https://[::1]:${v6.address().port}/`]);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout, 'ok6');
    } finally {
      await new Promise((resolve) => v6.close(resolve));
    }
  });

  test('curl without the certificate is refused (the check is real)', { skip: hasCurlHttp2 ? false : 'curl with HTTP/2 is not installed' }, async () => {
    const result = await curl(['--http2', '--cacert', fileURLToPath(new URL('./fixtures/tutorial-cert.pem', import.meta.url)), `https://localhost:${port}/`]);
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
