/**
 * A port for the program (given through PORT), so two verifies, or a verify and anything
 * else, never fight over the tutorial's fixed 8000.
 *
 * Not a port from the kernel (listen on 0): verify has to let go of the port before the
 * program binds it a few hundred milliseconds later, and in between the kernel hands that
 * very port to whoever asks next. Everything on a machine running tests asks: every
 * `listen(0)` (test servers, other verifies) and, through its local end, every outgoing
 * connection. So the port is drawn at random from below the kernel's ephemeral range
 * (/proc/sys/net/ipv4/ip_local_port_range), which the kernel never hands out by itself;
 * only a program asking for that number by name can take it, and a second verify that drew
 * the same number is caught by the retry in index.ts.
 *
 * A candidate is tried on 127.0.0.1 (loopback: nothing is exposed, not even for a moment).
 * The program's `listen(port)` binds every address, so a socket holding the port on ::1
 * only would still refuse it; probing ::1 as well would cost ~5 ms of a start-up
 * benchmarked against a bare `node` (Node compiles its IPv6 regular expression on first
 * use), and the retry covers that case too.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** Linux's default ephemeral range; other systems use IANA's 49152-65535, above it too. */
const DEFAULT_EPHEMERAL_LOW = 32768;
/** The lowest port drawn: above the ports development servers are usually given by hand
 *  (3000, 5432, 8000, 8080, 9000...). */
const LOWEST = 10_000;
/** Candidates tried before asking the kernel after all (a range that is somehow full). */
const CANDIDATES = 20;

/** The first port of the kernel's ephemeral range. */
function ephemeralLow(): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > LOWEST + 1000 ? low : DEFAULT_EPHEMERAL_LOW;
  } catch {
    return DEFAULT_EPHEMERAL_LOW;
  }
}

/** Listens on 127.0.0.1:port and closes: resolves with the port bound, or null when it is taken. */
function tryPort(port: number): Promise<number | null> {
  return new Promise((resolvePort) => {
    const server = createServer();
    server.once('error', () => resolvePort(null));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => {
      const address = server.address();
      const bound = address && typeof address === 'object' ? address.port : null;
      server.close(() => resolvePort(bound));
    });
  });
}

/** A free port below the ephemeral range, none of `avoid` (ports already found taken). */
export async function findFreePort(avoid: readonly number[] = []): Promise<number> {
  const high = ephemeralLow() - 1;
  for (let tries = 0; tries < CANDIDATES; tries++) {
    const candidate = LOWEST + Math.floor(Math.random() * (high - LOWEST + 1));
    if (avoid.includes(candidate)) continue;
    const port = await tryPort(candidate);
    if (port !== null) return port;
  }
  const port = await tryPort(0);
  if (port === null || port === 0) throw new Error('no free port on 127.0.0.1');
  return port;
}
