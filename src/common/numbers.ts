/**
 * The one reader of whole numbers from flags and answers (--days, --bits, --timeout,
 * --port): digits only, so "1e3", "10.5", "0x10", "-1" and "10ms" are refused rather
 * than guessed at (Number() would take the first three).
 */
import { usageError } from './errors.js';

export function wholeNumber(value: string | number): number | null {
  const text = String(value).trim();
  const number = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  return Number.isSafeInteger(number) ? number : null;
}

export const MIN_PORT = 1;
export const MAX_PORT = 65_535;

/**
 * A TCP port to listen on and connect to. Port 0 would mean "any free port" to listen(),
 * but a client connecting to the same number needs a real one, so it is refused.
 * `flag` names what was wrong in the message ("--port", "port" at a prompt), `note` adds
 * what leaving it out means.
 */
export function parsePort(value: string | number, flag = '--port', note = ''): number {
  const port = wholeNumber(value);
  if (port === null || port < MIN_PORT || port > MAX_PORT) {
    throw usageError(`${flag} ${JSON.stringify(String(value))} is not a port; expected a whole number from ${MIN_PORT} to ${MAX_PORT}${note}`);
  }
  return port;
}
