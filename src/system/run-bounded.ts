import { spawn } from 'node:child_process';
import { waitUntilGone } from './process-state.js';

export interface BoundedRun {
  /** The exit code, or null when the process was killed or could not start. */
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /**
   * After a timeout: processes of the command's group still running KILL_WAIT_MS after the
   * SIGKILL (empty when all are gone, which is when "killed" may be said).
   */
  survivors: number[];
  /** Set when the command could not be started (ENOENT, EACCES...). */
  startError?: string;
}

/**
 * Runs a command with a deadline and never rejects. On POSIX the child leads its own
 * process group, so a timeout kills whatever it started too; on Windows `detached`
 * would open a console window, so only the child itself is killed there.
 *
 * At a timeout it answers once the child and its whole group are gone (or, past a bound
 * of their own, with those that outlived the SIGKILL in `survivors`), never merely once the
 * signal is sent: a caller that reports "killed" must be telling the truth.
 */
export function runBounded(
  command: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs: number; input?: string; cwd?: string },
): Promise<BoundedRun> {
  return new Promise((resolve) => {
    const posix = process.platform !== 'win32';
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let settled = false;
    const child = spawn(command, args, {
      env: options.env ?? process.env,
      cwd: options.cwd,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      detached: posix,
      windowsHide: true,
    });
    const finish = (result: BoundedRun) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        if (posix && child.pid) process.kill(-child.pid, 'SIGKILL');
        else child.kill('SIGKILL');
      } catch {
        // already gone
      }
      // Do not wait for 'close': a grandchild that escaped the kill (Windows has no process
      // groups; a program may start its own) could hold the pipes open for ever. Wait only
      // until the processes are gone, within a bound of its own.
      child.stdout?.destroy();
      child.stderr?.destroy();
      const pid = child.pid;
      void waitUntilGone(pid ? [pid] : [], posix && pid ? [pid] : []).then((survivors) => finish({ code: null, stdout, stderr, timedOut, survivors }));
    }, options.timeoutMs);
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    if (options.input !== undefined) {
      child.stdin?.on('error', () => {}); // a child that exits without reading must not crash us (EPIPE)
      child.stdin?.end(options.input);
    }
    child.on('error', (error) => finish({ code: null, stdout, stderr, timedOut, survivors: [], startError: error.message }));
    child.on('close', (code) => {
      // After a timeout the answer comes from the wait above, once the group is gone.
      if (!timedOut) finish({ code, stdout, stderr, timedOut, survivors: [] });
    });
  });
}
