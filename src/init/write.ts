/**
 * Puts a rendered project on disk. Runs only after every question is answered and
 * every check has passed, so a refusal or a Ctrl-C leaves nothing behind.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { usageError } from '../common/index.js';
import { displayPath, pathKind, writeFilesAtomically } from '../system/index.js';
import type { RenderedFile } from './templates.js';

/** Writes the files into `dir` (created when missing) and returns their absolute paths.
 *  Each file is staged and renamed into place, so none is ever half-written, and
 *  files that are not part of the project are never touched. */
export function writeProject(dir: string, files: readonly RenderedFile[]): string[] {
  mkdirSync(dir, { recursive: true });
  const placed = files.map((file) => ({ path: join(dir, file.name), contents: file.contents, mode: file.mode }));
  writeFilesAtomically(placed);
  return placed.map((file) => file.path);
}

/** Refuses, before anything is written, a project file whose name is taken by a directory
 *  (or a socket, a FIFO): --force replaces files init writes, never anything else. */
export function checkProjectFiles(dir: string, files: readonly RenderedFile[]): void {
  for (const file of files) {
    const path = join(dir, file.name);
    const kind = pathKind(path);
    if (kind === 'directory' || kind === 'other') {
      throw usageError(
        `${JSON.stringify(displayPath(path))} is ${kind === 'directory' ? 'a directory' : 'not a regular file'}; init writes its ${file.name} there, and --force only replaces files`,
      );
    }
  }
}
