/**
 * What every command shares, down to `--help`: errors and exit codes, numbers from the
 * command line, shell quoting, JSON. No module here imports a Node built-in: an ES module
 * import of one creates its whole namespace (node:fs ~4 ms, node:util ~6 ms of CPU on
 * Node 26), so what needs the file system, processes or the terminal lives in system/,
 * which `--help` does not load.
 */
export { ExitCode, H2SetupError, usageError } from './errors.js';
export { MAX_PORT, MIN_PORT, parsePort, wholeNumber } from './numbers.js';
export { printJson, printResult } from './print-json.js';
export { shellQuote } from './shell-quote.js';
