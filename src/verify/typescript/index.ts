/**
 * TypeScript without a build step, the same on every Node line: which runner an entry needs
 * (mode.ts), the loader the probe puts in every thread and process of the program
 * (register.ts: sync hooks, or Node 20's async hooks plus require hooks), the one esbuild
 * transform they share (transform.ts) with the project's tsconfig (tsconfig.ts), module
 * format (module-format.ts), TypeScript's file naming (resolve.ts) and the output cache
 * (transpile-cache.ts). Imports only the channel.
 */

export { chooseRunner, hasTypeStripping, type RunnerChoice, type TypeScriptMode } from './mode.js';
export { chooseFormat, type ModuleFormat } from './module-format.js';
export { registerTypeScript } from './register.js';
export { type TranspileContext, transpileFile } from './transform.js';
export { cacheDirectory, esbuildVersion, nodeCompileCacheDirectory } from './transpile-cache.js';
export { projectConfig } from './tsconfig.js';
