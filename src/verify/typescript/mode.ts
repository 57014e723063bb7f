/**
 * How the entry gets to run without a build step:
 * - JavaScript runs as it is.
 * - TypeScript (.ts, .mts, .cts, .tsx) is transpiled by esbuild as each file loads
 *   (register.ts, transform.ts), the same on every Node line. Where Node would strip types
 *   itself (22.6+), `--no-experimental-strip-types` turns that off: strip-only mode refuses
 *   TypeScript tsc compiles (enums, namespaces, parameter properties), and must never be what
 *   decides whether a program runs. The flag is in the program's execArgv, so the Workers and
 *   processes it forks run without stripping too.
 */
import { extname } from 'node:path';
import { TYPESCRIPT_EXTENSIONS } from './resolve.js';

export type TypeScriptMode = 'javascript' | 'esbuild';

export interface RunnerChoice {
  mode: TypeScriptMode;
  /** extra flags for the child node */
  nodeFlags: string[];
}

/** Whether this Node knows the type-stripping flag (22.6 and later). */
export function hasTypeStripping(allowedFlags: ReadonlySet<string> = process.allowedNodeEnvironmentFlags): boolean {
  return allowedFlags.has('--experimental-strip-types');
}

export function chooseRunner(entryPath: string, allowedFlags: ReadonlySet<string> = process.allowedNodeEnvironmentFlags): RunnerChoice {
  if (!TYPESCRIPT_EXTENSIONS.has(extname(entryPath).toLowerCase())) return { mode: 'javascript', nodeFlags: [] };
  return { mode: 'esbuild', nodeFlags: hasTypeStripping(allowedFlags) ? ['--no-experimental-strip-types'] : [] };
}
