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
 * esbuild is loaded only when the entry is TypeScript on a Node that cannot strip types.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { displayPath } from '../paths.js';
import type { ProbeEvent } from './events.js';
import { findFreePort } from './free-port.js';
import type { FailureKind } from './judge.js';
import type { ModuleFormat } from './module-format.js';
import { checkVerifyOptions, type VerifyOptions } from './options.js';
import type { RunOutcome } from './run.js';
import type { CompileError } from './transpile.js';
import type { TutorialLine } from './tutorial-lines.js';
import type { TypeScriptMode } from './typescript-mode.js';

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
  port: number;
  timeoutMs: number;
  node: string;
  typescript: {
    mode: TypeScriptMode;
    nodeFlags: string[];
    format: ModuleFormat | null;
    esbuild: string | null;
    transpileMs: number | null;
    /** esbuild's output for this very entry came from the cache: no transpile this run */
    cached: boolean;
  };
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  durationMs: number;
  timeline: TimelineEntry[];
  tutorialLines: TutorialLine[];
  compileError: CompileError | null;
  stdout: string;
  stderr: string;
}

const PROBE_URL = new URL('./probe.js', import.meta.url).href;

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

export async function verifyProject(options: VerifyOptions): Promise<VerifyResult> {
  const checked = checkVerifyOptions(options);
  // Finding a free port waits on the event loop (listen, close); the modules that start the
  // program load meanwhile instead of after it.
  const portSearch = checked.port === null ? findFreePort() : Promise.resolve(checked.port);
  const [{ chooseRunner }, { chooseFormat }, { startProgram }, { cacheSlot, nodeCompileCacheDirectory }] = await Promise.all([
    import('./typescript-mode.js'),
    import('./module-format.js'),
    import('./run.js'),
    import('./transpile-cache.js'),
  ]);
  const runner = chooseRunner(checked.entryPath);
  const port = await portSearch;
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port) };
  if (runner.mode === 'node-strip-types') {
    const compileCache = nodeCompileCacheDirectory(env);
    if (compileCache) env.NODE_COMPILE_CACHE = compileCache;
  }

  const typescript: VerifyResult['typescript'] = {
    mode: runner.mode,
    nodeFlags: runner.nodeFlags,
    format: null,
    esbuild: null,
    transpileMs: null,
    cached: false,
  };
  let outcome: RunOutcome | null = null;
  let compileError: CompileError | null = null;
  // Started once the child is running (see the top of this file).
  let afterwards!: Promise<[typeof import('./state.js'), typeof import('./judge.js'), typeof import('./tutorial-lines.js')]>;
  const loadJudging = () => {
    afterwards = Promise.all([import('./state.js'), import('./judge.js'), import('./tutorial-lines.js')]);
  };

  if (runner.mode === 'esbuild') {
    const source = readFileSync(checked.entryPath, 'utf8');
    // The output file name depends on the format, which the child must know at spawn.
    const format = chooseFormat(checked.entryPath, source);
    typescript.format = format;
    const slot = cacheSlot({ entryPath: checked.entryPath, source, format });
    const tempDir = slot ? null : mkdtempSync(join(tmpdir(), 'h2-setup-verify-'));
    const outFile = slot?.outFile ?? join(tempDir as string, format === 'esm' ? 'entry.mjs' : 'entry.cjs');
    typescript.cached = slot?.hit ?? false;
    try {
      const program = startProgram({
        cwd: checked.dir,
        file: outFile,
        nodeFlags: ['--enable-source-maps', ...runner.nodeFlags],
        probeUrl: PROBE_URL,
        env,
        timeoutMs: checked.timeoutMs,
        waitForGo: !slot?.hit,
        onInterrupt: () => {
          if (tempDir) rmSync(tempDir, { recursive: true, force: true });
        },
      });
      loadJudging();
      if (!slot?.hit) {
        const { transpile } = await import('./transpile.js');
        const compiled = await transpile({ dir: checked.dir, entryPath: checked.entryPath, outFile, format });
        typescript.esbuild = compiled.esbuild;
        typescript.transpileMs = compiled.ms;
        if (compiled.ok) {
          slot?.store(compiled.inputs);
          program.go();
        } else {
          compileError = compiled.error;
          program.abort();
        }
      }
      outcome = await program.done;
    } finally {
      if (tempDir) rmSync(tempDir, { recursive: true, force: true });
    }
  } else {
    const program = startProgram({
      cwd: checked.dir,
      file: checked.entryPath,
      nodeFlags: runner.nodeFlags,
      probeUrl: PROBE_URL,
      env,
      timeoutMs: checked.timeoutMs,
      waitForGo: false,
    });
    loadJudging();
    outcome = await program.done;
  }
  const [{ summarize }, { judge }, { checkTutorialLines }] = await afterwards;

  const show = (location: string) => displayPath(location, checked.dir);
  // ProbeEvent and the judging modules are loaded by now.
  const state = summarize(outcome.events);
  const verdict = judge({ state, outcome, compileError, show, port, timeoutMs: checked.timeoutMs, dir: checked.dir });
  const compiledAway = compileError !== null;
  const startedAt = outcome.startedAt;

  return {
    passed: verdict.passed,
    reason: verdict.reason,
    failure: verdict.failure,
    summary: verdict.summary,
    dir: checked.dir,
    entry: checked.entry,
    port,
    timeoutMs: checked.timeoutMs,
    node: process.version,
    typescript,
    exitCode: compiledAway ? null : outcome.exitCode,
    signal: compiledAway ? null : outcome.signal,
    timedOut: outcome.timedOut,
    durationMs: outcome.durationMs,
    timeline: outcome.events.map((event) => toEntry(event, startedAt, show)),
    tutorialLines: checkTutorialLines(outcome.stdout, state),
    compileError: compileError && { ...compileError, file: compileError.file && show(compileError.file) },
    stdout: outcome.stdout,
    stderr: outcome.stderr,
  };
}

function toEntry(event: ProbeEvent, startedAt: number, show: (location: string) => string): TimelineEntry {
  const { t, ...rest } = event;
  const entry = { at: round(t - startedAt), ...rest } as TimelineEntry;
  if ('location' in entry && typeof entry.location === 'string') entry.location = show(entry.location);
  if ('compileLocation' in entry && typeof entry.compileLocation === 'string') entry.compileLocation = show(entry.compileLocation);
  return entry;
}
