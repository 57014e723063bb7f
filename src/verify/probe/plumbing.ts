/**
 * What the verifier tells the probe, and how it reaches every thread and process of the
 * program without the program being handed it.
 *
 * The verifier puts it in one environment entry (PLUMBING_ENV, index.ts) of the program's process; the
 * probe reads it and deletes it before any of the program's code runs. From there:
 * - Worker threads get a copy of process.env taken after the deletion, so the main thread
 *   hands the plumbing on as environment data, which every Worker inherits and the probe,
 *   loaded there too through the inherited --import, reads back.
 * - A process the program forks with the probe in its execArgv (child_process.fork(),
 *   cluster.fork(), spawn of process.execPath with process.execArgv) gets the entry added to
 *   the environment the child is started with, and the channel's file descriptor added to its
 *   stdio (fork puts its IPC channel on fd 3, so the channel gets the next free one); the
 *   probe there deletes it again.
 *
 * The trade-off, chosen knowingly: the program's own process.env, and any process it starts
 * without the probe, never hold the token, so nothing reaches it by accident. A program that
 * sets out to read its own initial environment (/proc/self/environ) can find it; anything
 * running as the same user can read the verifier's memory too, so no channel would keep out a
 * program that means to cheat. The floor is: no record is made or broken by accident.
 */
import { getEnvironmentData, isMainThread, setEnvironmentData } from 'node:worker_threads';
import { type ChannelEnd, createSender } from '../channel/index.js';
import { PLUMBING_ENV } from './index.js';

// Not a key a program would ever ask for.
const PLUMBING_KEY = 'h2-setup verify probe';

export interface Plumbing extends ChannelEnd {
  /** transpile TypeScript as it loads (the entry is TypeScript) */
  typescript: boolean;
  /** the transpile cache; null: none */
  cacheDir: string | null;
}

const NONE: Plumbing = { fd: -1, token: '', typescript: false, cacheDir: null };

function parse(text: unknown): Plumbing {
  if (typeof text !== 'string') return NONE;
  try {
    const value = JSON.parse(text) as Partial<Plumbing>;
    return {
      fd: typeof value.fd === 'number' ? value.fd : -1,
      token: typeof value.token === 'string' ? value.token : '',
      typescript: value.typescript === true,
      cacheDir: typeof value.cacheDir === 'string' ? value.cacheDir : null,
    };
  } catch {
    return NONE;
  }
}

function readPlumbing(): Plumbing {
  if (!isMainThread) return parse(getEnvironmentData(PLUMBING_KEY));
  const plumbing = parse(process.env[PLUMBING_ENV]);
  delete process.env[PLUMBING_ENV];
  setEnvironmentData(PLUMBING_KEY, JSON.stringify(plumbing));
  return plumbing;
}

export const plumbing = readPlumbing();
export const send = createSender(plumbing);

/** The environment entry for a forked process that gets the channel as its file descriptor `fd`. */
export function plumbingForChild(fd: number): string {
  return `${PLUMBING_ENV}=${JSON.stringify({ ...plumbing, fd })}`;
}
