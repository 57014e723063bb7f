// The browser demo (`npm run serve`). index.ts is the tutorial: it answers one
// request and exits. This server uses the same key and certificate, stays up
// until Ctrl-C, and serves a page that shows the session the browser opened, the
// protocol ALPN chose for it, and every session's 'close' event as it fires.

import * as fs from 'node:fs';
import * as http2 from 'node:http2';

// The port comes from PORT, so you can choose another one when this one is taken.
const DEFAULT_PORT = 8000;
const port = Number(process.env.PORT ?? DEFAULT_PORT);

// Enough history for the page; older sessions are forgotten.
const SESSIONS_SHOWN = 20;

interface SessionRecord {
  id: number;
  protocol: string;
  opened: Date;
  /** When the session's 'close' event fired; null while it is open. */
  closed: Date | null;
  requests: number;
}

const history: SessionRecord[] = [];
const records = new Map<http2.Http2Session, SessionRecord>();
let nextId = 1;

const server = http2.createSecureServer({
  key: fs.readFileSync('private-key.pem'),
  cert: fs.readFileSync('public-cert.pem'),
});

const time = (date: Date) => date.toISOString().slice(11, 23);

server.on('session', (session) => {
  const record: SessionRecord = { id: nextId++, protocol: String(session.alpnProtocol), opened: new Date(), closed: null, requests: 0 };
  records.set(session, record);
  history.push(record);
  if (history.length > SESSIONS_SHOWN) history.shift();
  console.log(`${time(record.opened)} session #${record.id} opened (ALPN protocol ${record.protocol})`);

  // The event this demo is about: it fires once the session's connection is
  // gone, whichever side let it go.
  session.on('close', () => {
    record.closed = new Date();
    records.delete(session);
    const seconds = ((record.closed.getTime() - record.opened.getTime()) / 1000).toFixed(1);
    console.log(`${time(record.closed)} session #${record.id} closed: its 'close' event fired (${record.requests} request(s), open ${seconds} s)`);
  });
});

// A browser that does not trust the certificate ends the handshake; say so
// instead of leaving an empty page unexplained.
server.on('tlsClientError', (error: NodeJS.ErrnoException) => {
  console.log(`a TLS handshake failed (${error.code ?? error.message}): does the browser trust the certificate?`);
});

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(current: SessionRecord, body: string, refreshToRoot = false): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
${refreshToRoot ? '<meta http-equiv="refresh" content="1; url=/">\n' : ''}<title>Http2Session 'close' event demo</title>
<style>body { font-family: sans-serif; max-width: 44rem; margin: 2rem auto; } td, th { padding: 0.2rem 0.8rem; text-align: left; }</style>
</head>
<body>
<h1>Http2Session 'close' event</h1>
<p id="session">This page came over session <b>#${current.id}</b>, protocol <b id="protocol">${escapeHtml(current.protocol)}</b> (chosen by ALPN).</p>
${body}
</body>
</html>
`;
}

function sessionTable(): string {
  const rows = history
    .map(
      (record) =>
        `<tr><td>#${record.id}</td><td>${escapeHtml(record.protocol)}</td><td>${time(record.opened)}</td><td>${record.closed ? `'close' fired at ${time(record.closed)}` : 'open'}</td></tr>`,
    )
    .join('\n');
  return `<table>
<tr><th>session</th><th>protocol</th><th>opened</th><th>closed</th></tr>
${rows}
</table>`;
}

server.on('stream', (stream, headers) => {
  const session = stream.session!;
  const current = records.get(session)!;
  current.requests++;
  const path = headers[':path'];

  if (path === '/') {
    stream.respond({ ':status': 200, 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    stream.end(
      page(
        current,
        `<p>A browser keeps a connection open for a while after the page has loaded. When it lets the connection go
(you close the browser, or it drops the idle connection), the server session's 'close' event fires, the server
logs it, and this table shows it the next time you load the page.</p>
<p><a href="/close-session">Close this session</a>: the server closes session #${current.id} (a GOAWAY), and the page
loads again on a new session.</p>
${sessionTable()}`,
      ),
    );
    return;
  }

  if (path === '/close-session') {
    stream.respond({ ':status': 200, 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    stream.end(page(current, `<p>The server is closing session #${current.id}; this page loads <a href="/">/</a> again on a new one in a second.</p>`, true));
    // Graceful: the response above still completes, then the session ends and
    // its 'close' event fires.
    session.close();
    return;
  }

  stream.respond({ ':status': path === '/favicon.ico' ? 204 : 404 });
  stream.end();
});

server.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EADDRINUSE') throw error;
  console.error(`port ${port} is taken (EADDRINUSE): choose another one, e.g. PORT=9000 npm run serve`);
  process.exitCode = 1;
});

// Listening on localhost only (the loopback interface): nothing outside this
// machine can reach the demo.
server.listen(port, 'localhost', () => {
  console.log(`Serving https://localhost:${port}/ over HTTP/2 (TLS), on localhost only. Press Ctrl-C to stop.`);
});

// Ctrl-C closes the sessions still open (their 'close' events are logged) and
// the server; a session that has not closed within 3 s no longer holds it up.
// Repeated signals are ignored: a terminal's Ctrl-C reaches npm, tsx and this
// process at once, and npm and tsx each pass it on again.
let stopping = false;
function stop(): void {
  if (stopping) return;
  stopping = true;
  console.log(`Stopping: closing ${records.size} open session(s).`);
  for (const session of records.keys()) session.close();
  server.close(() => console.log('Server closed.'));
  setTimeout(() => process.exit(130), 3000).unref();
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
