// A pseudo-terminal for tests that need one (prompts, colour), made with util-linux
// `script` or python3's pty module, since the test runner (and CI) has no TTY.
import { spawn, spawnSync } from 'node:child_process';
import { cliPath } from './cli.mjs';
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

// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escape sequences start with ESC.
export const stripAnsi = (text) => text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');

/**
 * Runs the shell line `command` on a new pty in `cwd`. `steps` is a list of [text, keys]:
 * when `text` appears in the (ANSI-stripped) output after the previous step's match, `keys`
 * are typed. Resolves with its exit code, everything it printed (escape sequences kept) and
 * the steps whose text never appeared; rejects (after killing it) when it outlives `timeoutMs`.
 */
export function runLineOnPty(command, { cwd, env = {}, steps = [], timeoutMs = 30_000 }) {
  const [program, programArgs] = ptyWrapper(command);
  return new Promise((resolve, reject) => {
    const marker = newRunMarker();
    const child = spawn(program, programArgs, { cwd, env: { ...process.env, ...env, ...marker.env }, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    const pending = [...steps];
    let output = '';
    let searchFrom = 0;
    const onOutput = (chunk) => {
      output += chunk;
      const text = stripAnsi(output);
      while (pending.length > 0) {
        const at = text.indexOf(pending[0][0], searchFrom);
        if (at === -1) break;
        const [, keys] = pending.shift();
        searchFrom = at + 1;
        // No pause needed: inquirer puts the terminal in raw mode and listens before it
        // draws the question, so once the text is on screen the keys are read as keys.
        child.stdin.write(keys);
      }
    };
    child.stdout.setEncoding('utf8').on('data', onOutput);
    child.stderr.setEncoding('utf8').on('data', onOutput);
    const timer = setTimeout(() => {
      killProcessTree(child.pid, marker.id);
      reject(new Error(`${command} on a pty did not finish within ${timeoutMs} ms:\n${stripAnsi(output)}`));
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output, unmatched: pending.map(([text]) => text) });
    });
  });
}

/** `h2-setup ...args` on a new pty, as runLineOnPty runs a shell line. */
export function runCliOnPty(args, options) {
  return runLineOnPty([process.execPath, cliPath, ...args].map(shellQuote).join(' '), options);
}
