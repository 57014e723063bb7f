/**
 * `h2-setup verify`: runs a project's entry (TypeScript without a build step) on a free port
 * with the probe loaded, and proves from the http2 objects themselves that a server-side
 * Http2Session emitted 'close' and that the program's own 'close' listener ran.
 *
 * Usable as a library: plain options in, a plain result out; cli.ts only prints it.
 *
 * Start-up matters (the whole run is compared against plain `node`): only what is needed to
 * start the program is imported up front; the modules that judge and explain the run are
 * imported after the child is spawned, so loading them overlaps the program's own start, and
 * esbuild is loaded only by the program's TypeScript loader, when the cache has no output for
 * a file it loads.
 */
import { displayPath } from '../system/index.js';
import type { ProbeEvent } from './channel/index.js';
import { findFreePort } from './free-port.js';
import type { FailureKind } from './judge.js';
import { checkVerifyOptions, type VerifyOptions } from './options.js';
import { PROBE_URL } from './probe/index.js';
import type { StoppedProcess } from './process-family.js';
import type { RunningProgram, RunOutcome } from './run.js';
import type { TutorialLine } from './tutorial-lines.js';
import type { ModuleFormat, TypeScriptMode } from './typescript/index.js';

export type { FailureKind } from './judge.js';
export type { VerifyOptions } from './options.js';
export type { TutorialLine } from './tutorial-lines.js';

type Untimed<E> = E extends unknown ? Omit<E, 't'> : never;
/** A probe event with its time relative to the program's start, in ms (0.1 ms steps). */
export type TimelineEntry = Untimed<ProbeEvent> & { at: number };

export interface VerifyResult {
  passed: boolean;
  /** why it failed, in words; null when it passed */
  reason: string | null;
  /** a stable name for the reason, for programs reading --json */
  failure: FailureKind | null;
  /** the verdict line's sentence, pass or fail */
  summary: string;
  dir: string;
  entry: string;
  /** the port the program was given through PORT (the last one tried) */
  port: number;
  /** ports verify chose that something else took before the program could listen on them;
   *  the program was run again on a fresh port each time (the timeline is the last run's) */
  portsTaken: number[];
  timeoutMs: number;
  node: string;
  typescript: {
    mode: TypeScriptMode;
    nodeFlags: string[];
    /** the entry's module format, as tsc and Node would run it */
    format: ModuleFormat | null;
    /** the esbuild version that transpiled this run's TypeScript (from the cache too) */
    esbuild: string | null;
    /** esbuild's time for the files it transpiled this run; null when none was */
    transpileMs: number | null;
    /** every TypeScript file's JavaScript came from the cache: no esbuild this run */
    cached: boolean;
  };
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  durationMs: number;
  timeline: TimelineEntry[];
  /** processes the program started that were still running when it ended, and were stopped */
  stopped: StoppedProcess[];
  /** pids sent SIGKILL that were still running a bound after it (empty: everything is gone) */
  survivors: number[];
  tutorialLines: TutorialLine[];
  compileError: { file: string; line: number | null; column: number | null; message: string } | null;
  stdout: string;
  stderr: string;
}

/** Runs of the program when the ports verify chose keep being taken: a port drawn below the
 *  ephemeral range is rarely taken even once, so a third refusal means something is taking
 *  every port as soon as it is free, and is reported rather than retried for ever. */
const PORT_ATTEMPTS = 3;

/** The port a failed listen in `event` asked for, when the event is one. */
function refusedPort(event: ProbeEvent): number | null {
  if ((event.type === 'server-error' || event.type === 'uncaught') && event.code === 'EADDRINUSE') return event.port;
  return null;
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

export async function verifyProject(options: VerifyOptions): Promise<VerifyResult> {
  const checked = checkVerifyOptions(options);
  // Finding a free port waits on the event loop (listen, close); the modules that start the
  // program load meanwhile instead of after it.
  const portSearch = checked.port === null ? findFreePort() : Promise.resolve(checked.port);
  // The two TypeScript modules the start needs, not the folder's index.ts (which brings the
  // whole loader the program runs, and this process never does).
  const [{ chooseRunner }, { cacheDirectory, esbuildVersion, nodeCompileCacheDirectory }, { startProgram }, { stopOnInterrupt }] = await Promise.all([
    import('./typescript/mode.js'),
    import('./typescript/transpile-cache.js'),
    import('./run.js'),
    import('./interrupt.js'),
  ]);
  const runner = chooseRunner(checked.entryPath);
  let port = await portSearch;
  const env: NodeJS.ProcessEnv = { ...process.env };
  const nodeFlags = [...runner.nodeFlags];
  // Node's own compile cache (22.1+) for the probe, the loader and the program's JavaScript:
  // a second run starts without compiling them again.
  const compileCache = nodeCompileCacheDirectory(env);
  if (compileCache) env.NODE_COMPILE_CACHE = compileCache;
  const typescriptEntry = runner.mode === 'esbuild';
  // The program runs as its own files; the inline source maps turn every location back into
  // the user's TypeScript.
  if (typescriptEntry) nodeFlags.unshift('--enable-source-maps');

  let program: RunningProgram | undefined;
  const release = stopOnInterrupt(() => program?.stop());
  let outcome: RunOutcome;
  let judging: Promise<[typeof import('./state.js'), typeof import('./judge.js'), typeof import('./tutorial-lines.js')]> | undefined;
  // Ports verify chose that were taken before the program could listen on them.
  const portsTaken: number[] = [];
  try {
    for (;;) {
      let refused = false;
      const attempt: RunningProgram = startProgram({
        cwd: checked.dir,
        file: checked.entryPath,
        nodeFlags,
        probeUrl: PROBE_URL,
        env: { ...env, PORT: String(port) },
        typescript: typescriptEntry,
        cacheDir: typescriptEntry ? cacheDirectory() : null,
        timeoutMs: checked.timeoutMs,
        // A port verify chose and something else took in the moment between verify letting go
        // of it and the program binding it (see free-port.ts) is verify's problem, not the
        // program's: stop at once and run the program again on a fresh port. Nothing has
        // happened yet but the program's start-up, which stops at its first listen.
        onEvent: (event) => {
          if (checked.port === null && refusedPort(event) === port) {
            refused = true;
            attempt.stop();
          }
        },
      });
      program = attempt;
      // Loaded while the program starts (see the top of this file).
      judging ??= Promise.all([import('./state.js'), import('./judge.js'), import('./tutorial-lines.js')]);
      outcome = await attempt.done;
      if (!refused || portsTaken.length + 1 >= PORT_ATTEMPTS) break;
      portsTaken.push(port);
      port = await findFreePort(portsTaken);
    }
  } finally {
    release();
  }
  const [{ summarize }, { judge }, { checkTutorialLines }] = await judging;

  const show = (location: string) => displayPath(location, checked.dir);
  const state = summarize(outcome.events, outcome.pid);
  const compileError = state.compileErrors[0] ?? null;
  const verdict = judge({
    state,
    outcome,
    show,
    port,
    portFrom: checked.port === null ? 'verify' : 'flag',
    portsTaken,
    timeoutMs: checked.timeoutMs,
    dir: checked.dir,
  });
  const startedAt = outcome.startedAt;
  const transpiled = state.transpiled;
  const entryFile = transpiled.find((file) => file.file === checked.entryPath);
  const typescript: VerifyResult['typescript'] = {
    mode: runner.mode,
    nodeFlags,
    format: entryFile?.format ?? null,
    // Cached output came from the same pinned esbuild (the cache is keyed by h2-setup's version).
    esbuild: transpiled.find((file) => file.esbuild !== null)?.esbuild ?? (transpiled.length > 0 ? esbuildVersion() : null),
    transpileMs: transpiled.some((file) => file.ms !== null) ? round(transpiled.reduce((sum, file) => sum + (file.ms ?? 0), 0)) : null,
    cached: transpiled.length > 0 && transpiled.every((file) => file.cached),
  };

  return {
    passed: verdict.passed,
    reason: verdict.reason,
    failure: verdict.failure,
    summary: verdict.summary,
    dir: checked.dir,
    entry: checked.entry,
    port,
    portsTaken,
    timeoutMs: checked.timeoutMs,
    node: process.version,
    typescript,
    exitCode: outcome.exitCode,
    signal: outcome.signal,
    timedOut: outcome.timedOut,
    durationMs: outcome.durationMs,
    timeline: outcome.events.map((event) => toEntry(event, startedAt, show)),
    stopped: outcome.stopped,
    survivors: outcome.survivors,
    tutorialLines: checkTutorialLines(outcome.stdout, state),
    compileError: compileError && { file: show(compileError.file), line: compileError.line, column: compileError.column, message: compileError.message },
    stdout: outcome.stdout,
    stderr: outcome.stderr,
  };
}

function toEntry(event: ProbeEvent, startedAt: number, show: (location: string) => string): TimelineEntry {
  const { t, ...rest } = event;
  const entry = { at: round(t - startedAt), ...rest } as TimelineEntry;
  if ('location' in entry && typeof entry.location === 'string') entry.location = show(entry.location);
  if ('compileLocation' in entry && typeof entry.compileLocation === 'string') entry.compileLocation = show(entry.compileLocation);
  if ('file' in entry && typeof entry.file === 'string') entry.file = show(entry.file);
  return entry;
}
