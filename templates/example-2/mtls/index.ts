// Node.js program to demonstrate the
// close event method

import * as fs from 'node:fs';
import * as http2 from 'node:http2';
import type * as tls from 'node:tls';

// The port comes from PORT, so you can choose another one when this one is
// taken (`h2-setup verify` gives the program a free one).
const DEFAULT_PORT = 8000;
const port = Number(process.env.PORT ?? DEFAULT_PORT);

// The certificate the client trusts: your local development CA's certificate
// (ca-cert.pem, written beside the pair). With mutual TLS the server trusts the
// same CA to vouch for the client's certificate.
const TRUSTED_CERT_FILE = 'ca-cert.pem';

// Set H2_DEMO_NO_CLIENT_CERT=1 to run the client without its certificate and
// watch the server refuse it.
const presentClientCert = !process.env.H2_DEMO_NO_CLIENT_CERT;

// Private key and public certificate for access
// (made by `h2-setup certs`; the certificate names localhost, 127.0.0.1 and ::1)
// Mutual TLS: the server asks every client for a certificate (requestCert),
// refuses a client that has none or one the CA did not sign
// (rejectUnauthorized), and `ca` is the CA it trusts to sign them.
const options: http2.SecureServerOptions = {
  key: fs.readFileSync('private-key.pem'),
  cert: fs.readFileSync('public-cert.pem'),
  requestCert: true,
  rejectUnauthorized: true,
  ca: fs.readFileSync(TRUSTED_CERT_FILE),
};

// Creating and initializing server
// by using http2.createSecureServer() method
// (TLS: the key and certificate are used, and ALPN negotiates "h2")
const server = http2.createSecureServer(options);

// A client the server refused never gets a session, so no 'stream' arrives to
// close the server: say why and stop here instead.
server.on('tlsClientError', (error) => {
  console.log('server refused a client: %s', error.message);
  server.close();
});

server.on('stream', (stream, requestHeaders) => {
  // Whose certificate it was: the client's, verified against `ca` during the
  // handshake (the session's socket is the TLS socket).
  const socket = stream.session!.socket as tls.TLSSocket;
  console.log('client certificate : ' + socket.getPeerCertificate().subject.CN);

  // Getting session object
  // by using session method
  // (typed `Http2Session | undefined`: it only becomes undefined once the
  // stream is destroyed, which cannot have happened inside 'stream')
  const http2session = stream.session!;

  // Getting alpnProtocol of this session
  // by using alpnProtocol method
  const alpnProtocol = http2session.alpnProtocol;

  stream.end('session protocol : ' + alpnProtocol);

  http2session.close();

  // Handling 'close' event
  http2session.on('close', () => {
    console.log('session is closed');
  });

  // Stopping the server
  // by using the close() method
  server.close(() => {
    console.log('server destroyed');
  });
});

// Listening on localhost only (the loopback interface): the tutorial's
// listen(port) accepts connections from every network interface.
server.listen(port, 'localhost');

// Creating and initializing client
// by using http2.connect() method
// The client is told to trust exactly TRUSTED_CERT_FILE through `ca`. Never
// turn verification off with `rejectUnauthorized: false`: that would accept any
// certificate at all.
// With mutual TLS the client also presents its own key and certificate
// (made by `h2-setup certs --client`, signed by the same CA).
const client = http2.connect(`https://localhost:${port}`, {
  ca: fs.readFileSync(TRUSTED_CERT_FILE),
  ...(presentClientCert ? { key: fs.readFileSync('client-key.pem'), cert: fs.readFileSync('client-cert.pem') } : {}),
});

// A refused client learns it from the server's TLS alert, on the request
// (and on the session when no request is open).
client.on('error', (error) => {
  console.log('client error: %s', error.message);
});

// The client session is closed by the server (the server closed its session
// above) before the response ends, so the tutorial's `client.close(callback)`
// in 'end' never calls its callback. Listening for the session's own 'close'
// event prints the line whenever the session actually closes.
client.on('close', () => {
  console.log('client destroyed');
});

const req = client.request({
  ':method': 'GET',
  ':path': '/',
});

req.on('error', (error) => {
  console.log('client error: %s', error.message);
});

req.on('data', (data: Buffer) => {
  console.log('Received: %s ', data.toString().replace(/(\n)/gm, ''));
});

req.on('end', () => {
  client.close();
});
