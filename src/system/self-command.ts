/**
 * How to run this very h2-setup again, as a shell command for a person (the next steps
 * init prints, the scaffolded project's README and .gitignore). It must work exactly as
 * written on this machine, and never send anyone to the npm registry: h2-setup is not a
 * dependency of the projects it makes, so `npx h2-setup` would download whatever is
 * published under that name (a 404 today, someone else's code tomorrow).
 *
 * `h2-setup` when that name on PATH is this launcher (a global install or `npm link`
 * of this package: PATH holds a symbolic link to bin/h2-setup.cjs), otherwise this
 * launcher by its absolute path, run by this Node.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { shellQuote } from '../common/index.js';
import { findOnPath } from './find-on-path.js';

/** This package's launcher, found from this module's URL (dist/system/self-command.js -> ../../bin/). */
export const launcherPath = fileURLToPath(new URL('../../bin/h2-setup.cjs', import.meta.url));

function sameFile(a: string, b: string): boolean {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false;
  }
}

/** `node` when PATH's node is the one running now, else this Node by its absolute path:
 *  a different (older) node on PATH might not run h2-setup at all. */
function nodeCommand(env: NodeJS.ProcessEnv): string {
  const node = findOnPath('node', env);
  return node && sameFile(node, process.execPath) ? 'node' : shellQuote(process.execPath);
}

/** The command that runs this h2-setup, ready to be followed by its arguments. */
export function selfCommand(env: NodeJS.ProcessEnv = process.env): string {
  const onPath = findOnPath('h2-setup', env);
  if (onPath && sameFile(onPath, launcherPath)) return 'h2-setup';
  return `${nodeCommand(env)} ${shellQuote(launcherPath)}`;
}
