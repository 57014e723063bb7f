/**
 * The one TypeScript transform, the same on every Node line and for every way a file loads
 * (import, require, a Worker, a forked process): esbuild's full transform, not type stripping,
 * so enums, namespaces, parameter properties, `import x = require()`, `export =` and (with
 * the project's experimentalDecorators) legacy decorators mean what tsc makes them mean.
 * Options tsc would apply come from the project's tsconfig (tsconfig.ts).
 *
 * Output is cached per file content and options (transpile-cache.ts), so an unchanged
 * project never loads esbuild. Each file reports how it was transpiled on the channel.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname } from 'node:path';
import type { Outgoing, ProbeEventBody } from '../channel/index.js';
import { chooseFormat, type ModuleFormat } from './module-format.js';
import { readCachedTranspile, writeCachedTranspile } from './transpile-cache.js';
import { type CompilerOptions, projectConfig, usesDefineForClassFields } from './tsconfig.js';

export interface TranspileContext {
  send: (event: Outgoing<ProbeEventBody>) => void;
  /** where outputs are cached; null: not at all */
  cacheDir: string | null;
}

export interface Transpiled {
  format: ModuleFormat;
  code: string;
}

let esbuild: typeof import('esbuild') | undefined;

/** The tsconfig esbuild is given: what it honours, with tsc's defaults made explicit. */
function esbuildTsconfig(options: CompilerOptions): { compilerOptions: Record<string, unknown> } {
  const { module: _module, emitDecoratorMetadata: _metadata, ...honoured } = options;
  return { compilerOptions: { ...honoured, useDefineForClassFields: usesDefineForClassFields(options) } };
}

/** A file's source turned into JavaScript Node runs as `format`; throws a one-line SyntaxError when it does not compile. */
export function transpileFile(file: string, context: TranspileContext): Transpiled {
  const source = readFileSync(file, 'utf8');
  const config = projectConfig(dirname(file));
  const format = chooseFormat(file, source, config);
  const tsconfigRaw = esbuildTsconfig(config.compilerOptions);
  const key = JSON.stringify([format, tsconfigRaw]);
  const cached = context.cacheDir ? readCachedTranspile(context.cacheDir, file, key, source) : null;
  if (cached !== null) {
    context.send({ type: 'transpiled', file, format, ms: null, cached: true, esbuild: null });
    return { format, code: cached };
  }
  const started = performance.now();
  esbuild ??= createRequire(import.meta.url)('esbuild') as typeof import('esbuild');
  let code: string;
  try {
    code = esbuild.transformSync(source, {
      loader: extname(file).toLowerCase() === '.tsx' ? 'tsx' : 'ts',
      format,
      platform: 'node',
      target: `node${process.versions.node}`,
      tsconfigRaw: tsconfigRaw as never,
      // The map's source is the file itself, so Node maps every location back to it.
      sourcemap: 'inline',
      sourcefile: file,
      logLevel: 'silent',
    }).code;
  } catch (error) {
    const first = ((error as { errors?: { text: string; location: { line: number; column: number } | null }[] }).errors ?? [])[0];
    const location = first?.location ?? null;
    const message = first?.text ?? (error as Error).message;
    // esbuild counts columns from 0, editors and Node from 1.
    context.send({ type: 'compile-error', file, line: location?.line ?? null, column: location ? location.column + 1 : null, message });
    const failure = new SyntaxError(`${file}${location ? `:${location.line}:${location.column + 1}` : ''}: ${message}`);
    // What Node prints for it names the user's file, not the loader.
    failure.stack = `SyntaxError: ${failure.message}`;
    throw failure;
  }
  const ms = Math.round((performance.now() - started) * 10) / 10;
  context.send({ type: 'transpiled', file, format, ms, cached: false, esbuild: esbuild.version });
  if (context.cacheDir) writeCachedTranspile(context.cacheDir, file, key, source, code);
  return { format, code };
}
