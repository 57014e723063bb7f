/**
 * `npm install` in the new project, when asked. npm's own progress is the
 * progress line here: it goes to stderr so that stdout stays one JSON document
 * under --json.
 */
import { spawn } from 'node:child_process';

export interface InstallResult {
  ok: boolean;
  exitCode: number | null;
  /** Why it failed, in a line (null when it worked). */
  reason: string | null;
}

export function runNpmInstall(dir: string): Promise<InstallResult> {
  return new Promise((resolve) => {
    // On Windows npm is a .cmd script, which spawn can only start through a shell.
    const windows = process.platform === 'win32';
    const child = spawn(windows ? 'npm.cmd' : 'npm', ['install', '--no-fund', '--no-audit'], {
      cwd: dir,
      stdio: ['ignore', process.stderr, process.stderr],
      shell: windows,
    });
    child.on('error', (error) => resolve({ ok: false, exitCode: null, reason: `could not run npm: ${error.message}` }));
    child.on('close', (code, signal) =>
      resolve(
        code === 0
          ? { ok: true, exitCode: 0, reason: null }
          : { ok: false, exitCode: code, reason: `npm install ${signal ? `was killed by ${signal}` : `exited with ${code}`}` },
      ),
    );
  });
}
