/**
 * esbuild's output per TypeScript file (transform.ts), in a per-user cache keyed by what the
 * output depends on: the file's path and content, the module format and tsconfig options, and
 * the Node and h2-setup (so esbuild) versions. A second verify of an unchanged project never
 * loads esbuild: no esbuild process, no CPU taken from the program's start-up.
 *
 * The cache lives in the user's own cache directory (XDG_CACHE_HOME or ~/.cache,
 * ~/Library/Caches, %LOCALAPPDATA%), never in a shared temporary directory where another user
 * could plant code for us to run. H2_SETUP_CACHE_DIR overrides it ('' turns it off: every
 * run transpiles in memory and writes nothing).
 */
import { mkdirSync, readdirSync, readFileSync, statSync, unlinkSync } from 'node:fs';
import nodeModule from 'node:module';
import { join } from 'node:path';
import { packageJson } from '../../package-json.js';
// The modules themselves, not their folders' index.ts: this loads inside the program, before
// its code, and the indexes would load every shared utility with it (measured ~30 ms on Node 26
// under load, of a start that is benchmarked against plain node).
import { writeFilesAtomically } from '../../system/files.js';
import { userDirectory } from '../../system/user-dirs.js';

// Bump when the transform options in transform.ts change, so old outputs are not reused.
const CACHE_VERSION = 3;
// Outputs of files nobody verified for a week are removed when something new is written.
const MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;

export function cacheDirectory(): string | null {
  const override = process.env.H2_SETUP_CACHE_DIR;
  if (override !== undefined) return override === '' ? null : override;
  return join(userDirectory('cache'), 'verify');
}

/**
 * 64-bit FNV-1a over the bytes, as hex. Not node:crypto: loading it costs ~3 ms on the path
 * to starting the program, and this only has to tell the user's own file versions apart
 * (the cache is per user, so nobody can aim a collision at it).
 */
function hash(data: string | Buffer): string {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  let high = 0xcbf29ce4;
  let low = 0x84222325;
  for (const byte of bytes) {
    low = (low ^ byte) >>> 0;
    // multiply the 64-bit value (high:low) by the FNV prime 0x100000001b3
    const lowProduct = low * 0x1b3;
    const carry = Math.floor(lowProduct / 0x100000000);
    high = (Math.imul(high, 0x1b3) + Math.imul(low, 0x100) + carry) >>> 0;
    low = lowProduct >>> 0;
  }
  return `${high.toString(16).padStart(8, '0')}${low.toString(16).padStart(8, '0')}-${bytes.length}`;
}

function prune(dir: string): void {
  const now = Date.now();
  for (const name of readdirSync(dir)) {
    try {
      if (now - statSync(join(dir, name)).mtimeMs > MAX_AGE_MS) unlinkSync(join(dir, name));
    } catch {
      // another verify removed it first
    }
  }
}

/** `options`: the module format and transform options, as one string. */
function cacheFile(dir: string, file: string, options: string, source: string): string {
  // h2-setup's own version stands for esbuild's (pinned in package.json) without loading it.
  const key = hash(JSON.stringify([CACHE_VERSION, process.version, packageJson.version, options, file, source]));
  return join(dir, `${key}.js`);
}

/** The cached JavaScript for this very file content, or null. */
export function readCachedTranspile(dir: string, file: string, options: string, source: string): string | null {
  try {
    return readFileSync(cacheFile(dir, file, options, source), 'utf8');
  } catch {
    return null;
  }
}

export function writeCachedTranspile(dir: string, file: string, options: string, source: string, code: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // Atomically: a concurrent verify of the same project may be reading it.
    writeFilesAtomically([{ path: cacheFile(dir, file, options, source), contents: code, mode: 0o600 }]);
    prune(dir);
  } catch {
    // a cache that cannot be written only costs the next run a transpile
  }
}

/**
 * Where the program's Node keeps its own compile cache (Node 22.1+, NODE_COMPILE_CACHE): the
 * probe, the TypeScript loader and the program's JavaScript are then not compiled anew on
 * every start. Null where Node has none, when the user decided already (NODE_COMPILE_CACHE
 * set, or NODE_DISABLE_COMPILE_CACHE) or h2-setup's cache is off.
 */
export function nodeCompileCacheDirectory(env: NodeJS.ProcessEnv): string | null {
  if (typeof (nodeModule as { enableCompileCache?: unknown }).enableCompileCache !== 'function') return null;
  if (env.NODE_COMPILE_CACHE !== undefined || env.NODE_DISABLE_COMPILE_CACHE) return null;
  const dir = cacheDirectory();
  return dir ? join(dir, 'node-compile-cache') : null;
}

/** The esbuild that transform.ts uses (pinned by package.json), read without loading it. */
export function esbuildVersion(): string | null {
  try {
    const require = nodeModule.createRequire(import.meta.url);
    return (JSON.parse(readFileSync(require.resolve('esbuild/package.json'), 'utf8')) as { version?: string }).version ?? null;
  } catch {
    return null;
  }
}
