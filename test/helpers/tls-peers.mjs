// Real TLS peers for certificate tests: an HTTP/2 secure server on a port from the OS
// (optionally requiring client certificates), Node's http2 client, curl and openssl, each
// bounded in time and stopped when the test ends.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http2 from 'node:http2';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';

/** Runs a command with a time bound; resolves { code, stdout, stderr } and never rejects. */
export function run(command, args, { input, timeoutMs = 120_000 } = {}) {
  return new Promise((resolve) => {
    const child = execFile(command, args, { encoding: 'utf8', timeout: timeoutMs, killSignal: 'SIGKILL' }, (error, stdout, stderr) =>
      resolve({
        code: error ? (typeof error.code === 'number' ? error.code : 1) : 0,
        stdout,
        stderr: `${stderr}${error && typeof error.code !== 'number' ? error.message : ''}`,
      }),
    );
    if (input !== undefined) child.stdin.end(input);
  });
}

/** A temporary directory for the whole test file, removed at its end. */
export function fileTempDir(prefix) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * An HTTP/2 server over TLS on localhost, port 0. Each response body names the client
 * certificate the server saw ("client=CN" or "client=none"); `refusals` collects the codes of
 * the handshakes it refused. Closed (sessions destroyed)
 * when the test `t` ends.
 */
export async function startH2Server(t, tlsOptions) {
  const server = http2.createSecureServer(tlsOptions);
  const sessions = new Set();
  // Handshakes the server refused, by error code (a client without a certificate, say).
  const refusals = [];
  server.on('tlsClientError', (error) => refusals.push(error.code));
  server.on('session', (session) => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
  });
  server.on('stream', (stream) => {
    const peer = stream.session.socket.getPeerCertificate();
    stream.respond({ ':status': 200, 'content-type': 'text/plain' });
    stream.end(`alpn=${stream.session.alpnProtocol} client=${peer?.subject?.CN ?? 'none'}`);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(
    () =>
      new Promise((resolve) => {
        for (const session of sessions) session.destroy();
        server.close(resolve);
      }),
  );
  return { server, port: server.address().port, refusals };
}

/**
 * One GET with Node's http2 client (default certificate and host name checks). Resolves
 * { body, peerCertificate } or { error } — never rejects, and gives up after `timeoutMs`.
 */
export function h2Get(url, tlsOptions = {}, timeoutMs = 60_000) {
  return new Promise((resolve) => {
    let settled = false;
    let session;
    const finish = (result) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      session?.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => finish({ error: new Error(`no answer from ${url} within ${timeoutMs} ms`) }), timeoutMs);
    session = http2.connect(url, tlsOptions);
    session.on('error', (error) => finish({ error }));
    session.on('close', () => finish({ error: new Error('the session closed before a response') }));
    const request = session.request({ ':path': '/' });
    request.on('error', (error) => finish({ error }));
    let body = '';
    let status;
    request.on('response', (headers) => (status = headers[':status']));
    request.setEncoding('utf8');
    request.on('data', (chunk) => (body += chunk));
    // A stream can also end without a response (the server reset it, or the TLS 1.3 server
    // refused the client's certificate after the client thought the handshake was done).
    request.on('end', () =>
      finish(
        status === 200
          ? { body, peerCertificate: session.socket?.getPeerCertificate?.() }
          : { error: new Error(`the stream ended with no 200 response (status ${status})`) },
      ),
    );
    request.end();
  });
}
