/**
 * The TypeScript loader where Node has synchronous in-thread module hooks (module.registerHooks,
 * found by feature test: present on 22.23.5, 24.22.3 and 26.12.1, absent on 20.20.2, the
 * releases this was run on). One pair of hooks covers import,
 * require() and the entry itself, in the thread that registered them: the probe registers
 * them in every thread and process of the program.
 */
import { fileURLToPath } from 'node:url';
import { isTypeScriptFile, mayNameTypeScript, typeScriptAlternatives } from './resolve.js';
import { type TranspileContext, transpileFile } from './transform.js';

interface ResolveResult {
  url: string;
  format?: string | null;
  shortCircuit?: boolean;
}
interface LoadResult {
  format?: string | null;
  source?: string | ArrayBuffer | Uint8Array | null;
  shortCircuit?: boolean;
}
type NextResolve = (specifier: string, context?: object) => ResolveResult;
type NextLoad = (url: string, context?: object) => LoadResult;
export interface SyncHooks {
  resolve: (specifier: string, context: object, next: NextResolve) => ResolveResult;
  load: (url: string, context: object, next: NextLoad) => LoadResult;
}

export function typeScriptHooks(context: TranspileContext): SyncHooks {
  return {
    resolve(specifier, resolveContext, next) {
      try {
        return next(specifier, resolveContext);
      } catch (error) {
        if (!mayNameTypeScript(specifier, error)) throw error;
        for (const alternative of typeScriptAlternatives(specifier)) {
          try {
            return next(alternative, resolveContext);
          } catch {
            // try the next one
          }
        }
        throw error;
      }
    },
    load(url, loadContext, next) {
      if (!url.startsWith('file:')) return next(url, loadContext);
      const file = fileURLToPath(url);
      if (!isTypeScriptFile(file)) return next(url, loadContext);
      const { format, code } = transpileFile(file, context);
      return { format: format === 'esm' ? 'module' : 'commonjs', source: code, shortCircuit: true };
    },
  };
}
