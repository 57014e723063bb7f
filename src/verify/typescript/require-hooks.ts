/**
 * The TypeScript loader for require() where module hooks do not cover it (Node 20, whose
 * module.register hooks see only import): TypeScript extensions registered with the CommonJS
 * loader, and its file name resolution taught TypeScript's names (resolve.ts), with the same
 * transform as every other path (transform.ts).
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

export function installRequireHooks(context: TranspileContext): void {
  const Module = createRequire(import.meta.url)('node:module') as CommonJsLoader;
  for (const extension of TYPESCRIPT_EXTENSIONS) {
    Module._extensions[extension] = (module, filename) => {
      module._compile(transpileFile(filename, context).code, filename);
    };
  }
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
