import { isAbsolute, resolve } from 'node:path';
import { userDirectory } from '../../system/index.js';

/**
 * Where the local development CA lives: `H2_SETUP_CAROOT` when set (tests, or a user
 * who wants it elsewhere), otherwise the platform's per-user data directory. Never
 * inside a project: the CA key can sign a certificate for any name, so it must not
 * end up in a repository or a container image.
 * A relative H2_SETUP_CAROOT is resolved against the current directory, once, here, so
 * every part of one run means the same directory (caRootNotice says so to the user).
 */
export function caRootDirectory(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.H2_SETUP_CAROOT) return resolve(env.H2_SETUP_CAROOT);
  return userDirectory('data', env, platform);
}

/** One line for stderr when H2_SETUP_CAROOT is relative: which absolute directory it was taken to mean. */
export function caRootNotice(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const raw = env.H2_SETUP_CAROOT;
  if (!raw || isAbsolute(raw)) return undefined;
  return `h2-setup: note: H2_SETUP_CAROOT ${JSON.stringify(raw)} is relative; using ${resolve(raw)}\n`;
}
