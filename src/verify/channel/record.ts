/**
 * The probe's records on the wire, and reading them back.
 *
 * The channel is a pipe the program inherits (fd 3 of the program, another fd in a process
 * it forks), so the program can write to it too: anything, partial lines included. A record
 * is therefore framed so that nothing else on the pipe can break or make one:
 *
 *   RS <token> SP <length> SP <JSON of `length` bytes> LF
 *
 * The token is this run's secret (see plumbing in the probe): the reader only starts a record
 * at RS+token, skips whatever lies between records, and takes exactly `length` bytes after
 * it, so junk before a record (an unfinished line) cannot corrupt it, and text that merely
 * looks like a record is not one. A record goes out in one write() of at most MAX_RECORD
 * bytes, which the kernel queues whole (a pipe below PIPE_BUF, a Unix socket in one buffer),
 * so another writer's bytes cannot land inside it either.
 */

const RS = 0x1e;
/** Records stay below PIPE_BUF (4096 on Linux), the size a pipe write is atomic up to. */
export const MAX_RECORD = 4000;
// Long strings (an exception's message, a command line) are cut to keep a record below MAX_RECORD.
const LONG_STRING = 600;

function shorten(value: unknown): unknown {
  return typeof value === 'string' && value.length > LONG_STRING ? `${value.slice(0, LONG_STRING)}...` : value;
}

/** The bytes of one record. */
export function encodeRecord(token: string, event: object): Buffer {
  let json = Buffer.from(JSON.stringify(event), 'utf8');
  if (json.length + token.length + 16 > MAX_RECORD) {
    json = Buffer.from(JSON.stringify(Object.fromEntries(Object.entries(event).map(([key, value]) => [key, shorten(value)]))), 'utf8');
  }
  return Buffer.concat([Buffer.from(`\x1e${token} ${json.length} `, 'latin1'), json, Buffer.from('\n')]);
}

/**
 * Reads records out of everything that arrives on the channel. Memory stays bounded however
 * much the program writes: bytes that cannot be part of a record are dropped as they come.
 */
export class RecordReader {
  private pending: Buffer = Buffer.alloc(0);
  private readonly marker: Buffer;

  constructor(
    token: string,
    private readonly onRecord: (record: Record<string, unknown>) => void,
  ) {
    this.marker = Buffer.concat([Buffer.from([RS]), Buffer.from(`${token} `, 'latin1')]);
  }

  push(chunk: Buffer): void {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    for (;;) {
      const start = this.pending.indexOf(this.marker);
      if (start < 0) {
        // Keep only what could still be the beginning of a marker.
        this.pending = this.pending.subarray(Math.max(0, this.pending.length - this.marker.length + 1));
        return;
      }
      const lengthStart = start + this.marker.length;
      const space = this.pending.indexOf(0x20, lengthStart);
      if (space < 0) {
        // The length has at most 4 digits: with no space within 5 bytes this is no record.
        if (this.pending.length - lengthStart > 5) {
          this.pending = this.pending.subarray(lengthStart);
          continue;
        }
        this.pending = this.pending.subarray(start);
        return;
      }
      const length = Number(this.pending.toString('latin1', lengthStart, space));
      if (space === lengthStart || space - lengthStart > 4 || !Number.isInteger(length) || length <= 0 || length > MAX_RECORD) {
        this.pending = this.pending.subarray(lengthStart);
        continue;
      }
      const end = space + 1 + length;
      if (this.pending.length < end + 1) {
        this.pending = this.pending.subarray(start);
        return;
      }
      if (this.pending[end] === 0x0a) {
        try {
          const record = JSON.parse(this.pending.toString('utf8', space + 1, end)) as unknown;
          if (record && typeof record === 'object') this.onRecord(record as Record<string, unknown>);
        } catch {
          // framed, but not JSON: not the probe's
        }
        this.pending = this.pending.subarray(end + 1);
      } else {
        this.pending = this.pending.subarray(lengthStart);
      }
    }
  }
}
