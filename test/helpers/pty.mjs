// A pseudo-terminal for tests that need one (prompts, colour), made with util-linux
// `script` or python3's pty module, since the test runner (and CI) has no TTY.
import { spawn, spawnSync } from 'node:child_process';
import { killProcessTree, newRunMarker } from './process-tree.mjs';

const hasScript = spawnSync('script', ['--version'], { stdio: 'ignore' }).status === 0;
const hasPython = !hasScript && spawnSync('python3', ['-c', 'import pty'], { stdio: 'ignore' }).status === 0;

/** Why no pty can be made here (for `skip`), or false when one can. */
export const noPty = !hasScript && !hasPython && 'neither util-linux script nor python3 is here to make a pseudo-terminal';

export function shellQuote(text) {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** argv for a program that runs `command` (a shell line) on a new pty and relays
 *  our stdin to it and its output to our stdout, exiting with the command's code. */
export function ptyWrapper(command) {
  if (hasScript) return ['script', ['-qfec', command, '/dev/null']];
  const python = 'import os, pty, sys\nstatus = pty.spawn(["/bin/sh", "-c", sys.argv[1]])\nsys.exit(os.waitstatus_to_exitcode(status) % 256)';
  return ['python3', ['-c', python, command]];
}

/** Runs the shell line `command` on a new pty in `cwd`; resolves with its exit code and
 *  everything it printed, rejects (after killing it) when it outlives `timeoutMs`. */
export function runLineOnPty(command, { cwd, env = {}, timeoutMs = 30_000 }) {
  const [program, programArgs] = ptyWrapper(command);
  return new Promise((resolve, reject) => {
    const marker = newRunMarker();
    const child = spawn(program, programArgs, { cwd, env: { ...process.env, ...env, ...marker.env }, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (output += chunk));
    const timer = setTimeout(() => {
      killProcessTree(child.pid, marker.id);
      reject(new Error(`${command} on a pty did not finish within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}
