/**
 * This machine: paths and files (written whole, cleaned up on Ctrl-C), lock files, programs
 * on PATH, running one with a deadline and knowing killed processes are gone, how to run
 * this h2-setup again, who the user is and their per-user directories, and the terminal's
 * colours.
 */
export { readRegularFile, sweepStaleTemporaryFiles, UnreadableFileError, writeFilesAtomically, writeNewFiles } from './files.js';
export { findOnPath } from './find-on-path.js';
export { LOCK_FILE, withLockFile } from './lock-file.js';
export { checkDirectoryPath, displayPath, pathExists, pathKind } from './paths.js';
export { waitUntilGone } from './processes-gone.js';
export { type BoundedRun, runBounded } from './run-bounded.js';
export { selfCommand } from './self-command.js';
export { colourFor, paint } from './style.js';
export { userAtHost } from './user-at-host.js';
export { userDirectory } from './user-dirs.js';
