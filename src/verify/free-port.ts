/**
 * A port nobody is listening on, so the program can be given one through PORT and two
 * verifies (or a verify and anything else) never fight over the tutorial's fixed 8000.
 *
 * The kernel picks it (listen on port 0 on 127.0.0.1); the same port is then also tried on
 * ::1, because the program's `server.listen(port)` binds both families and would fail if
 * something held the port on IPv6 only. Both are loopback: nothing is ever exposed.
 */
import { createServer, type Server } from 'node:net';

type Attempt = { server: Server } | 'in-use' | 'no-such-address';

function listen(port: number, host: string): Promise<Attempt> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') resolvePromise('in-use');
      // No IPv6 loopback on this machine: nothing there to collide with.
      else if (error.code === 'EADDRNOTAVAIL' || error.code === 'EAFNOSUPPORT') resolvePromise('no-such-address');
      else reject(error);
    });
    server.listen({ port, host, exclusive: true }, () => resolvePromise({ server }));
  });
}

function release(attempt: Attempt): Promise<void> {
  return new Promise((resolvePromise) => (typeof attempt === 'object' ? attempt.server.close(() => resolvePromise()) : resolvePromise()));
}

export async function findFreePort(): Promise<number> {
  for (let tries = 0; tries < 20; tries += 1) {
    const v4 = await listen(0, '127.0.0.1');
    if (typeof v4 !== 'object') throw new Error('cannot listen on 127.0.0.1');
    const address = v4.server.address();
    const port = address && typeof address === 'object' ? address.port : 0;
    const v6 = await listen(port, '::1');
    await Promise.all([release(v4), release(v6)]);
    if (port > 0 && v6 !== 'in-use') return port;
  }
  throw new Error('could not find a free port on loopback after 20 tries');
}
