/**
 * The probe: loaded into the verified program with `node --import <file URL of this file>`
 * before the program's own code, in its main thread, in every Worker (which inherit the
 * execArgv) and in every process it forks with its execArgv. It watches every http2 server
 * and session the program makes (http2.ts) and the processes it starts (processes.ts), puts
 * the TypeScript loader in place, and reports on the channel (plumbing.ts, ../channel/).
 */
import { syncBuiltinESMExports } from 'node:module';
import { isMainThread } from 'node:worker_threads';
// The loader's own module rather than the folder's index.ts, which also brings what only the
// verifier uses: less to load before the program's first line.
import { registerTypeScript } from '../typescript/register.js';
import { watchHttp2 } from './http2.js';
import { plumbing, send } from './plumbing.js';
import { watchChildProcesses, watchMainThread } from './processes.js';

watchHttp2();
watchChildProcesses(import.meta.url);
syncBuiltinESMExports();
if (isMainThread) watchMainThread();

// TypeScript: transpiled as each file loads, in memory, so the program runs as its own file:
// process.argv[1], import.meta.url, __filename, require.main and every stack trace name the
// user's file. Registered in each thread, since a Worker has a module loader of its own.
if (plumbing.typescript) registerTypeScript(plumbing, { send, cacheDir: plumbing.cacheDir });
