/**
 * This machine: programs on PATH, running one with a deadline, knowing killed processes are
 * gone, how to run this h2-setup again, and the per-user directories.
 */
export { findOnPath } from './find-on-path.js';
export { waitUntilGone } from './processes-gone.js';
export { type BoundedRun, runBounded } from './run-bounded.js';
export { selfCommand } from './self-command.js';
export { userAtHost } from './user-at-host.js';
export { userDirectory } from './user-dirs.js';
