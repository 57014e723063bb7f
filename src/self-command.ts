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
import { accessSync, constants, realpathSync, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { shellQuote } from './shell-quote.js';

/** This package's launcher, found from this module's URL (dist/self-command.js -> ../bin/). */
export const launcherPath = fileURLToPath(new URL('../bin/h2-setup.cjs', import.meta.url));

/** The file a shell runs for `command`: the first executable regular file of that name
 *  along PATH (empty and relative entries skipped: they depend on the cwd). */
export function findOnPath(command: string, path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir || !isAbsolute(dir)) continue;
    const candidate = join(dir, command);
    try {
      if (!statSync(candidate).isFile()) continue;
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {}
  }
  return undefined;
}

function sameFile(a: string, b: string): boolean {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false;
  }
}

/** `node` when PATH's node is the one running now, else this Node by its absolute path:
 *  a different (older) node on PATH might not run h2-setup at all. */
function nodeCommand(path: string): string {
  const node = findOnPath('node', path);
  return node && sameFile(node, process.execPath) ? 'node' : shellQuote(process.execPath);
}

/** The command that runs this h2-setup, ready to be followed by its arguments. */
export function selfCommand(env: NodeJS.ProcessEnv = process.env): string {
  const path = env.PATH ?? '';
  const onPath = findOnPath('h2-setup', path);
  if (onPath && sameFile(onPath, launcherPath)) return 'h2-setup';
  return `${nodeCommand(path)} ${shellQuote(launcherPath)}`;
}
