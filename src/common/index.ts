/**
 * What every command shares: errors and exit codes, numbers and paths from the command line,
 * files written whole (and cleaned up on interrupt), lock files, shell quoting, colour, JSON.
 */
export { ExitCode, H2SetupError, usageError } from './errors.js';
export { readRegularFile, sweepStaleTemporaryFiles, UnreadableFileError, writeFilesAtomically, writeNewFiles } from './files.js';
export { LOCK_FILE, withLockFile } from './lock-file.js';
export { MAX_PORT, MIN_PORT, parsePort, wholeNumber } from './numbers.js';
export { checkDirectoryPath, displayPath, pathExists, pathKind } from './paths.js';
export { printJson, printResult } from './print-json.js';
export { shellQuote } from './shell-quote.js';
export { colourFor, paint } from './style.js';
