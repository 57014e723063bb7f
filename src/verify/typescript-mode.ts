/**
 * How the entry gets to run without a build step:
 * - JavaScript runs as it is.
 * - TypeScript runs as it is where Node strips types itself (no transpiler start-up at all):
 *   Node >= 22.18 / >= 23.6 do it by default (process.features.typescript says so), 22.6-22.17
 *   and 23.0-23.5 need --experimental-strip-types.
 * - Otherwise (Node 20, .tsx everywhere) esbuild transpiles it first.
 */
import { extname } from 'node:path';

export type TypeScriptMode = 'javascript' | 'node-strip-types' | 'esbuild';

export interface RunnerChoice {
  mode: TypeScriptMode;
  /** extra flags for the child node */
  nodeFlags: string[];
}

const TYPESCRIPT_EXTENSIONS = new Set(['.ts', '.mts', '.cts']);

function atLeast(version: readonly number[], major: number, minor: number): boolean {
  const [vMajor = 0, vMinor = 0] = version;
  return vMajor > major || (vMajor === major && vMinor >= minor);
}

export function chooseRunner(entryPath: string, nodeVersion = process.versions.node, features: object = process.features): RunnerChoice {
  const extension = extname(entryPath).toLowerCase();
  if (extension === '.tsx') return { mode: 'esbuild', nodeFlags: [] };
  if (!TYPESCRIPT_EXTENSIONS.has(extension)) return { mode: 'javascript', nodeFlags: [] };
  const version = nodeVersion.split('.').map(Number);
  // Truthy only where stripping is on by default.
  if ((features as { typescript?: unknown }).typescript) return { mode: 'node-strip-types', nodeFlags: [] };
  const [major = 0] = version;
  const needsFlag = (major === 22 && atLeast(version, 22, 6)) || major === 23 || major >= 24;
  if (needsFlag) {
    // The flag prints an ExperimentalWarning on every run; the program's stderr should be its own.
    return { mode: 'node-strip-types', nodeFlags: ['--experimental-strip-types', '--disable-warning=ExperimentalWarning'] };
  }
  return { mode: 'esbuild', nodeFlags: [] };
}
