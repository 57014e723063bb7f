/**
 * This machine: paths and files (written whole, cleaned up on Ctrl-C), lock files, programs
 * on PATH, running one with a deadline and knowing killed processes are gone, how to run
 * this h2-setup again, who the user is and their per-user directories, and the terminal's
 * colours.
 *
 * Every command that writes loads this whole folder, so its modules take node:fs and node:util
 * with process.getBuiltinModule() rather than an ES module import: on Node 26 an import of a
 * built-in creates its whole namespace, running each lazy getter (node:fs loads fs/promises,
 * streams and readline, ~4 ms of CPU; node:util ~5 ms), where the require() behind
 * getBuiltinModule loads only the module (measured on `h2-setup certs --key-type ecdsa`,
 * bench/ecdsa.mjs).
 */
export { readRegularFile, sweepStaleTemporaryFiles, UnreadableFileError, writeFilesAtomically, writeNewFiles } from './files.js';
export { findOnPath } from './find-on-path.js';
export { LOCK_FILE, withLockFile } from './lock-file.js';
export { checkDirectoryPath, displayPath, pathExists, pathKind } from './paths.js';
export { startTimeOf, statFields, stillRunningWords, waitUntilGone } from './process-state.js';
export { type BoundedRun, runBounded } from './run-bounded.js';
export { selfCommand } from './self-command.js';
export { colourFor, paint } from './style.js';
export { userAtHost } from './user-at-host.js';
export { userDirectory } from './user-dirs.js';
