/**
 * Module hooks (module.register, Node 20.6+) that run TypeScript on a Node that cannot strip
 * types: each .ts/.mts/.cts/.tsx file is transpiled by esbuild as it loads, in memory, and
 * runs as itself. Unlike a bundle in a cache directory, the program then sees exactly what
 * `node index.ts` or `tsx index.ts` would show it: process.argv[1], import.meta.url,
 * __filename, require.main (the CommonJS entry still goes through Node's own CJS loader) and,
 * with --enable-source-maps and the inline map, stack traces and error locations.
 *
 * Runs on the hooks thread; reports to the verifier on the probe's file descriptor. Output is
 * cached per file content (transpile-cache.ts), so an unchanged project never loads esbuild.
 */
import { readFileSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ProbeEvent } from './events.js';
import { chooseFormat } from './module-format.js';
import { readCachedTranspile, writeCachedTranspile } from './transpile-cache.js';

type Outgoing<E> = E extends unknown ? Omit<E, 't'> : never;

interface HookData {
  fd: number;
  token: string;
  cacheDir: string | null;
}

interface ResolveContext {
  parentURL?: string;
  conditions?: string[];
}
type NextResolve = (specifier: string, context?: ResolveContext) => Promise<{ url: string; format?: string | null }>;
type NextLoad = (url: string, context?: object) => Promise<{ format?: string | null; source?: unknown }>;

let data: HookData = { fd: -1, token: '', cacheDir: null };
let esbuild: typeof import('esbuild') | undefined;

export function initialize(received: HookData): void {
  data = received;
}

function send(event: Outgoing<ProbeEvent>): void {
  if (!(data.fd >= 0)) return;
  try {
    writeSync(data.fd, `${JSON.stringify({ ...event, t: performance.timeOrigin + performance.now(), k: data.token })}\n`);
  } catch {
    // the verifier is gone: keep the program running
  }
}

const TYPESCRIPT = new Set(['.ts', '.mts', '.cts', '.tsx']);
// What a TypeScript import names (the JavaScript it will become) and the files it may mean,
// as tsc and esbuild read `./lib.js` or an extensionless `./lib` next to lib.ts.
const ALTERNATIVES: Record<string, string[]> = {
  '.js': ['.ts', '.tsx'],
  '.mjs': ['.mts'],
  '.cjs': ['.cts'],
  '.jsx': ['.tsx'],
  '': ['.ts', '.tsx', '/index.ts', '/index.tsx'],
};

export async function resolve(specifier: string, context: ResolveContext, next: NextResolve) {
  try {
    return await next(specifier, context);
  } catch (error) {
    const relative = specifier.startsWith('./') || specifier.startsWith('../') || specifier.startsWith('/') || specifier.startsWith('file:');
    const code = (error as { code?: unknown }).code;
    if (!relative || (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND')) throw error;
    const extension = extname(specifier);
    const base = extension in ALTERNATIVES ? specifier.slice(0, specifier.length - extension.length) : specifier;
    for (const alternative of ALTERNATIVES[extension in ALTERNATIVES ? extension : ''] ?? []) {
      try {
        return await next(base + alternative, context);
      } catch {
        // try the next one
      }
    }
    throw error;
  }
}

export async function load(url: string, context: object, next: NextLoad) {
  if (!url.startsWith('file:') || !TYPESCRIPT.has(extname(new URL(url).pathname).toLowerCase())) return next(url, context);
  const file = fileURLToPath(url);
  const source = readFileSync(file, 'utf8');
  const format = chooseFormat(file, source);
  const nodeFormat = format === 'esm' ? 'module' : 'commonjs';
  const cached = data.cacheDir ? readCachedTranspile(data.cacheDir, file, format, source) : null;
  if (cached !== null) {
    send({ type: 'transpiled', file, ms: null, cached: true, esbuild: null });
    return { format: nodeFormat, source: cached, shortCircuit: true };
  }
  const started = performance.now();
  esbuild ??= createRequire(import.meta.url)('esbuild') as typeof import('esbuild');
  let code: string;
  try {
    const result = await esbuild.transform(source, {
      loader: extname(file).toLowerCase() === '.tsx' ? 'tsx' : 'ts',
      format,
      platform: 'node',
      target: `node${process.versions.node}`,
      // The map's source is the file itself, so Node maps every location back to it.
      sourcemap: 'inline',
      sourcefile: file,
      logLevel: 'silent',
    });
    code = result.code;
  } catch (error) {
    const first = ((error as { errors?: { text: string; location: { line: number; column: number } | null }[] }).errors ?? [])[0];
    const location = first?.location ?? null;
    const message = first?.text ?? (error as Error).message;
    // esbuild counts columns from 0, editors and Node from 1.
    send({ type: 'compile-error', file, line: location?.line ?? null, column: location ? location.column + 1 : null, message });
    const failure = new SyntaxError(`${file}${location ? `:${location.line}:${location.column + 1}` : ''}: ${message}`);
    // What Node prints for it names the user's file, not these hooks.
    failure.stack = `SyntaxError: ${failure.message}`;
    throw failure;
  }
  const ms = Math.round((performance.now() - started) * 10) / 10;
  send({ type: 'transpiled', file, ms, cached: false, esbuild: esbuild.version });
  if (data.cacheDir) writeCachedTranspile(data.cacheDir, file, format, source, code);
  return { format: nodeFormat, source: code, shortCircuit: true };
}
