/**
 * Who is calling: the program or Node itself, and where in the program's own source.
 * Reads structured call sites rather than formatting a stack string: cheap, and immune to
 * source-map rewriting.
 */
import { findSourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Caller } from '../channel/index.js';

type AnyFunction = (...args: any[]) => any;

interface CallSite {
  getFileName(): string | null | undefined;
  getLineNumber(): number | null;
  getColumnNumber(): number | null;
}

// Every module of the verifier that runs inside the program (probe, channel, TypeScript
// loader) lives under dist/verify/: frames from there are ours, never the program's.
const VERIFY_URL = new URL('../', import.meta.url).href;
const VERIFY_PATH = fileURLToPath(VERIFY_URL);

export function isProbeFile(file: string): boolean {
  return file.startsWith(VERIFY_URL) || file.startsWith(VERIFY_PATH);
}

/** "file:line:col" in the program's own source: through the source map when the program was
 *  transpiled (the verifier runs it with --enable-source-maps), as a plain path otherwise. */
function sourceLocation(file: string, line: number, column: number): string {
  try {
    const map = findSourceMap(file);
    const entry = map?.findEntry(line - 1, column - 1) as { originalSource?: string; originalLine?: number; originalColumn?: number } | undefined;
    if (entry?.originalSource !== undefined && entry.originalLine !== undefined && entry.originalColumn !== undefined) {
      const original = entry.originalSource.startsWith('file:') ? fileURLToPath(entry.originalSource) : entry.originalSource;
      return `${original}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
    }
  } catch {
    // no usable map: fall back to the file that ran
  }
  return `${file.startsWith('file:') ? fileURLToPath(file) : file}:${line}:${column}`;
}

/** The structured call sites above `below` (whatever the program set Error's options to). */
function callSites(below: AnyFunction, limit: number): CallSite[] {
  const savedPrepare = Error.prepareStackTrace;
  const savedLimit = Error.stackTraceLimit;
  try {
    Error.stackTraceLimit = limit;
    Error.prepareStackTrace = (_error, sites) => sites;
    const holder: { stack?: unknown } = {};
    Error.captureStackTrace(holder, below);
    return (holder.stack as CallSite[] | undefined) ?? [];
  } finally {
    Error.prepareStackTrace = savedPrepare;
    Error.stackTraceLimit = savedLimit;
  }
}

/**
 * The program's location that made the current call, or null when the call came from Node's
 * internals (e.g. `server.close(cb)` registering cb, http2 core closing a session on GOAWAY).
 * `node:events` frames are skipped because `events.once(session, 'close')` is the program
 * listening through a public helper.
 */
export function callerLocation(): { caller: Caller; location: string | null } {
  for (const site of callSites(callerLocation, 30)) {
    const file = site.getFileName();
    if (!file || isProbeFile(file) || file === 'node:events') continue;
    if (file.startsWith('node:')) return { caller: 'node', location: null };
    return { caller: 'program', location: sourceLocation(file, site.getLineNumber() ?? 0, site.getColumnNumber() ?? 0) };
  }
  return { caller: 'node', location: null };
}

/** The first program frame of a formatted stack (already source-mapped by Node). */
export function stackLocation(stack: string): string | null {
  for (const line of stack.split('\n')) {
    const match = /^\s+at (?:.*\()?(.+?):(\d+):(\d+)\)?$/.exec(line);
    if (!match) continue;
    const file = match[1] as string;
    if (file.startsWith('node:') || isProbeFile(file)) continue;
    return `${file.startsWith('file:') ? fileURLToPath(file) : file}:${match[2]}:${match[3]}`;
  }
  return null;
}

/**
 * Whether the emit('close') now being made on a session comes from Node's http2 core (its
 * internal emitClose, after the session's handle and socket are gone), rather than from
 * the program. The immediate caller of emit() tells: a program's own `session.emit('close')`,
 * however soon after destroy() and whatever it does next, has the program's frame there
 * (or a timer's or nextTick's, for a bound emit), never http2 core's.
 */
export function emittedByHttp2Core(): boolean {
  for (const site of callSites(emittedByHttp2Core, 10)) {
    const file = site.getFileName();
    if (file && isProbeFile(file)) continue;
    return file === 'node:internal/http2/core';
  }
  return false;
}
