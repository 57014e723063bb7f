// Node.js program to demonstrate the
// close event method

import * as fs from 'node:fs';
import * as http2 from 'node:http2';

// The port comes from PORT, so you can choose another one when this one is
// taken (`h2-setup verify` gives the program a free one).
const DEFAULT_PORT = 8000;
const port = Number(process.env.PORT ?? DEFAULT_PORT);

// Private key and public certificate for access
// (http2.createServer() is plaintext HTTP/2, "h2c": it accepts these options
// but never uses them, exactly as in the tutorial. Scaffold with --tls for a
// server that does.)
const options: http2.SecureServerOptions = {
  key: fs.readFileSync('private-key.pem'),
  cert: fs.readFileSync('public-cert.pem'),
};

// Creating and initializing server
// by using http2.createServer() method
const server = http2.createServer(options);

server.on('stream', (stream, requestHeaders) => {
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

// Listening on the loopback interface only: the tutorial's listen(port) accepts
// connections from every network interface. The address is numeric so the server
// is bound before the client below looks up "localhost"; a host name would be
// looked up too, and on a busy machine the client could connect first.
server.listen(port, '127.0.0.1');

// Creating and initializing client
// by using http2.connect() method
const client = http2.connect(`http://localhost:${port}`);

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

req.on('data', (data: Buffer) => {
  console.log('Received: %s ', data.toString().replace(/(\n)/gm, ''));
});

req.on('end', () => {
  client.close();
});
