/**
 * The TypeScript loader for `import` where Node has only asynchronous module hooks
 * (module.register, Node 20): these run on Node's hooks thread, so they report on the
 * channel themselves, with what initialize() is given. require() does not pass through them
 * on Node 20; require-hooks.ts covers it with the same transform.
 */
import { fileURLToPath } from 'node:url';
import { type ChannelEnd, createSender } from '../channel/index.js';
import { isTypeScriptFile, mayNameTypeScript, typeScriptAlternatives } from './resolve.js';
import { type TranspileContext, transpileFile } from './transform.js';

export interface AsyncHookData extends ChannelEnd {
  cacheDir: string | null;
  /** the thread that registered the hooks, whose modules they load */
  thread: number;
}

type NextResolve = (specifier: string, context?: object) => Promise<{ url: string; format?: string | null }>;
type NextLoad = (url: string, context?: object) => Promise<{ format?: string | null; source?: unknown }>;

let context: TranspileContext = { send: () => {}, cacheDir: null };

export function initialize(data: AsyncHookData): void {
  context = { send: createSender(data, data.thread), cacheDir: data.cacheDir };
}

export async function resolve(specifier: string, resolveContext: object, next: NextResolve) {
  try {
    return await next(specifier, resolveContext);
  } catch (error) {
    if (!mayNameTypeScript(specifier, error)) throw error;
    for (const alternative of typeScriptAlternatives(specifier)) {
      try {
        return await next(alternative, resolveContext);
      } catch {
        // try the next one
      }
    }
    throw error;
  }
}

export async function load(url: string, loadContext: object, next: NextLoad) {
  if (!url.startsWith('file:')) return next(url, loadContext);
  const file = fileURLToPath(url);
  if (!isTypeScriptFile(file)) return next(url, loadContext);
  const { format, code } = transpileFile(file, context);
  return { format: format === 'esm' ? 'module' : 'commonjs', source: code, shortCircuit: true };
}
