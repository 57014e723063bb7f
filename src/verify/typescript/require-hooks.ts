/**
 * The TypeScript loader for require() where module hooks do not cover it:
 * - Node 20's module.register hooks see only import, so TypeScript extensions are registered
 *   with the CommonJS loader, with the same transform as every other path (transform.ts);
 * - the CommonJS file name resolution is taught TypeScript's names (resolve.ts) on every line:
 *   a CommonJS module that Node's ES module loader runs (the entry, started with --import)
 *   resolves its require() calls with Module._resolveFilename directly, past the sync hooks
 *   (seen on Node 22.23.5: `require('./lib/server.js')` of lib/server.ts was not found).
 */
import { createRequire } from 'node:module';
import { mayNameTypeScript, TYPESCRIPT_EXTENSIONS, typeScriptAlternatives } from './resolve.js';
import { type TranspileContext, transpileFile } from './transform.js';

// Node's CommonJS loader internals, documented by use (tsx, ts-node, @babel/register use the same).
interface CommonJsModule {
  _compile(code: string, filename: string): unknown;
}
interface CommonJsLoader {
  _extensions: Record<string, (module: CommonJsModule, filename: string) => void>;
  _resolveFilename: (request: string, ...rest: unknown[]) => string;
}

function commonJsLoader(): CommonJsLoader {
  return createRequire(import.meta.url)('node:module') as CommonJsLoader;
}

export function installRequireExtensions(context: TranspileContext): void {
  const Module = commonJsLoader();
  for (const extension of TYPESCRIPT_EXTENSIONS) {
    Module._extensions[extension] = (module, filename) => {
      module._compile(transpileFile(filename, context).code, filename);
    };
  }
}

export function installRequireResolution(): void {
  const Module = commonJsLoader();
  const resolveFilename = Module._resolveFilename;
  Module._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]) {
    try {
      return Reflect.apply(resolveFilename, this, [request, ...rest]) as string;
    } catch (error) {
      if (!mayNameTypeScript(request, error)) throw error;
      for (const alternative of typeScriptAlternatives(request)) {
        try {
          return Reflect.apply(resolveFilename, this, [alternative, ...rest]) as string;
        } catch {
          // try the next one
        }
      }
      throw error;
    }
  };
}
