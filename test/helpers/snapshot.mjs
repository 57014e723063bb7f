// What a directory holds, to show that a run changed nothing: every file under it, by path
// relative to it, with its mode, modification time and a SHA-256 of its bytes (directories by
// mode alone: making and removing a temporary file changes a directory's mtime, not what it
// holds). `skip(name)` leaves entries out by name, such as a project's node_modules.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export function snapshot(root, { skip = () => false } = {}) {
  const out = {};
  const walk = (dir) => {
    for (const name of readdirSync(dir).sort()) {
      if (skip(name)) continue;
      const path = join(dir, name);
      const stats = statSync(path);
      if (stats.isDirectory()) {
        out[`${relative(root, path)}/`] = stats.mode.toString(8);
        walk(path);
      } else {
        out[relative(root, path)] = `${stats.mode.toString(8)} ${stats.mtimeMs} ${createHash('sha256').update(readFileSync(path)).digest('hex')}`;
      }
    }
  };
  walk(root);
  return out;
}
