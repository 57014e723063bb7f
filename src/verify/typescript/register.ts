/**
 * Puts the TypeScript loader in place in the current thread (the probe calls this in every
 * thread and process of the program, before the program's code loads). Node's own type
 * stripping is off (the runner passes --no-experimental-strip-types where Node has it), so
 * what runs is always transform.ts's output.
 *
 * Two ways in, because Node offers two: synchronous in-thread hooks where they exist
 * (module.registerHooks), which see import and require() alike; on Node 20 the asynchronous
 * module.register hooks for import plus the CommonJS loader's extension table for require().
 * Both call the same transform. The CommonJS resolver learns TypeScript's names on every
 * line (require-hooks.ts says why).
 */
import { createRequire } from 'node:module';
import { threadId } from 'node:worker_threads';
import type { ChannelEnd } from '../channel/index.js';
import type { AsyncHookData } from './async-hooks.js';
import { installRequireExtensions, installRequireResolution } from './require-hooks.js';
import { typeScriptHooks } from './sync-hooks.js';
import type { TranspileContext } from './transform.js';

interface ModuleHooksApi {
  registerHooks?: (hooks: object) => unknown;
  register: (url: URL, options: { data: unknown }) => void;
}

export function registerTypeScript(channel: ChannelEnd, context: TranspileContext): void {
  const module = createRequire(import.meta.url)('node:module') as ModuleHooksApi;
  installRequireResolution();
  if (typeof module.registerHooks === 'function') {
    module.registerHooks(typeScriptHooks(context));
    return;
  }
  const data: AsyncHookData = { fd: channel.fd, token: channel.token, cacheDir: context.cacheDir, thread: threadId };
  module.register(new URL('./async-hooks.js', import.meta.url), { data });
  installRequireExtensions(context);
}
