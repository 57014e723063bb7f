/**
 * Validation of init's answers, whether they come from flags or from a prompt.
 * Each check is a plain function that either returns the clean value or throws a
 * usage error (exit 2), so the prompts can reuse the same rules as the flags and
 * every refusal happens before anything is written.
 */
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, resolve } from 'node:path';
import { usageError } from '../common/index.js';
import { checkDirectoryPath, pathKind } from '../system/index.js';

export type Transport = 'h2c' | 'tls';

/** What a question falls back to when no flag answered it and nobody is asked. */
export const DEFAULTS = {
  dir: 'h2-close-demo',
  template: 'example-1',
  // The tutorial's own transport: plaintext HTTP/2 with http2.createServer().
  transport: 'h2c' as Transport,
  // The tutorial's port; the program still reads PORT first.
  port: 8000,
  // TLS only. Signing with the local CA creates that CA on first use (outside the
  // project, in the user's data directory): only when asked.
  ca: false,
  // Installing reaches the network and takes a while: only when asked.
  install: false,
  // Proving the 'close' event fires is the point of the tool.
  verify: true,
} as const;

export const TRANSPORTS: readonly Transport[] = ['h2c', 'tls'];

export function parseTransport(value: string): Transport {
  if ((TRANSPORTS as readonly string[]).includes(value)) return value as Transport;
  throw usageError(`transport ${JSON.stringify(value)} is unknown; expected one of: ${TRANSPORTS.join(', ')}`);
}

export function parseTemplate(value: string, available: readonly string[]): string {
  if (available.includes(value)) return value;
  throw usageError(`--template ${JSON.stringify(value)} is unknown; available templates: ${available.join(', ')}`);
}

/**
 * Why npm would refuse `name` for a new package, or null: the project directory's name
 * becomes package.json's "name", and `npm install` refuses a bad one later with a far less
 * clear message. npm's own validate-npm-package-name decides (CommonJS, so required).
 */
export function packageNameProblem(name: string): string | null {
  const validate = createRequire(import.meta.url)('validate-npm-package-name') as (name: string) => {
    validForNewPackages: boolean;
    errors?: string[];
    warnings?: string[];
  };
  const verdict = validate(name);
  return verdict.validForNewPackages ? null : [...(verdict.errors ?? []), ...(verdict.warnings ?? [])].join('; ');
}

/** The package name for a project directory, or a usage error saying why it cannot be one. */
export function packageNameFor(dir: string): string {
  const name = basename(resolve(dir));
  const problem = packageNameProblem(name);
  if (problem) {
    throw usageError(
      `the directory name ${JSON.stringify(name)} is not a valid npm package name (${problem}); it becomes package.json's "name"`,
      'choose a directory name in lower case with letters, digits, "-", "." or "_", e.g. h2-close-demo',
    );
  }
  return name;
}

/**
 * The target must be missing, or an empty directory, or (with --force) a
 * directory whose files init may overwrite. A file is refused even with --force:
 * replacing it would delete something init did not write. A directory holding
 * only `.git` counts as empty, so `git init && h2-setup init .` works.
 */
export function checkTarget(dir: string, force: boolean): string {
  const absolute = resolve(dir);
  if (pathKind(absolute) === 'file') {
    throw usageError(`${JSON.stringify(dir)} is a file, not a directory; choose another directory (--force never replaces a file)`);
  }
  // No file on the way to it, and somewhere we can write: found now, not after the questions.
  checkDirectoryPath(dir, 'the project directory');
  if (!force && pathKind(absolute) === 'directory') {
    const entries = readdirSync(absolute).filter((entry) => entry !== '.git');
    if (entries.length > 0) {
      throw usageError(
        `${JSON.stringify(dir)} is not empty (${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}); choose a new directory`,
        'or pass --force to write into it (files with the same names are replaced; nothing else is deleted)',
      );
    }
  }
  return absolute;
}

/** Adapts a throwing check to inquirer's `validate`, which wants true or a message. */
export function asPromptValidator<T>(check: (value: T) => unknown): (value: T) => true | string {
  return (value) => {
    try {
      check(value);
      return true;
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  };
}

/**
 * Prompts need a person at a terminal: never under --yes or --json (a script is
 * reading stdout), never when stdin is not a TTY (piped input, a service), and
 * never when CI is set (CI runners often allocate a TTY nobody types into).
 * CI=false / CI=0 are treated as unset, as most tools do.
 */
export function shouldPrompt(options: { yes?: boolean; json?: boolean }, stdinIsTTY = Boolean(process.stdin.isTTY), env = process.env): boolean {
  if (options.yes || options.json) return false;
  const ci = env.CI;
  if (ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false') return false;
  return stdinIsTTY;
}
