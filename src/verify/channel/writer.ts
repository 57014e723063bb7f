/**
 * The probe's side of the channel: sends one event as one record (record.ts), from any thread
 * of the program, synchronously. A synchronous write cannot be lost when the program calls
 * process.exit() or is killed a moment later, which an asynchronous stream's can.
 */
import { writeSync } from 'node:fs';
import { threadId } from 'node:worker_threads';
import type { ProbeEventBody } from './events.js';
import { encodeRecord } from './record.js';

export type Outgoing<E> = E extends unknown ? Omit<E, 't'> : never;

export interface ChannelEnd {
  /** the channel's file descriptor in this process; -1: report nothing */
  fd: number;
  /** this run's secret, framing every record */
  token: string;
}

/** `thread`: the thread the events are about (Node 20's hooks run on a thread of their own on behalf of another). */
export function createSender(channel: ChannelEnd, thread = threadId): (event: Outgoing<ProbeEventBody>) => void {
  let fd = channel.fd;
  return (event) => {
    if (!(fd >= 0)) return;
    const bytes = encodeRecord(channel.token, { ...event, t: performance.timeOrigin + performance.now(), where: { pid: process.pid, thread } });
    let offset = 0;
    while (offset < bytes.length) {
      try {
        offset += writeSync(fd, bytes, offset, bytes.length - offset);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EAGAIN') continue;
        // The verifier is gone (EPIPE, EBADF): keep the program running, stop reporting.
        fd = -1;
        return;
      }
    }
  };
}
