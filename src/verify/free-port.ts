/**
 * A port nobody is listening on, so the program can be given one through PORT and two
 * verifies (or a verify and anything else) never fight over the tutorial's fixed 8000.
 *
 * The kernel picks it: listen on port 0 on 127.0.0.1 (loopback: nothing is ever exposed),
 * read the port, close. The program's `server.listen(port)` binds IPv6 too, so a socket
 * holding that port on IPv6 only would still make it fail; that is rare enough that we
 * do not probe ::1 as well, which would cost ~5 ms of a start-up benchmarked against a
 * bare `node` (Node compiles its large IPv6 regular expression on first use). If it
 * happens, verify reports the port as taken, and the next run gets another.
 */
import { createServer } from 'node:net';

export function findFreePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port: 0, host: '127.0.0.1', exclusive: true }, () => {
      const address = server.address();
      const port = address && typeof address === 'object' ? address.port : 0;
      server.close(() => (port > 0 ? resolvePort(port) : reject(new Error('the kernel gave no port on 127.0.0.1'))));
    });
  });
}
