/**
 * The per-user directories h2-setup keeps things in: the local CA (data) and verify's
 * transpile cache (cache). One function per kind, so the CA and the cache agree on where
 * "home" is: `$HOME` when set (tests point it at a temporary directory, and it is what the
 * user's shell means by ~), otherwise os.homedir(); on Windows %LOCALAPPDATA%, or
 * <home>\AppData\Local when that is unset (a service account, a stripped environment).
 */
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

export type UserDirKind = 'data' | 'cache';

function home(env: NodeJS.ProcessEnv): string {
  return env.HOME || homedir();
}

/** `<base>/h2-setup` for the platform's per-user data or cache directory. */
export function userDirectory(kind: UserDirKind, env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') return join(env.LOCALAPPDATA || join(home(env), 'AppData', 'Local'), 'h2-setup');
  if (platform === 'darwin') return join(home(env), 'Library', kind === 'data' ? 'Application Support' : 'Caches', 'h2-setup');
  // The XDG spec says a relative XDG_*_HOME is invalid and to be ignored.
  const xdg = kind === 'data' ? env.XDG_DATA_HOME : env.XDG_CACHE_HOME;
  const base = xdg && isAbsolute(xdg) ? xdg : join(home(env), kind === 'data' ? '.local/share' : '.cache');
  return join(base, 'h2-setup');
}
