// Colour where people look for it (PASS/FAIL, problems, fixes): on a terminal only, never
// with NO_COLOR, never into a pipe. The terminal is a pseudo-terminal the test makes itself
// (util-linux `script`, or python3's pty module); without either the pty tests are skipped.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { cliPath, runCli, tempDir } from './helpers/cli.mjs';

const hasScript = spawnSync('script', ['--version'], { stdio: 'ignore' }).status === 0;
const hasPython = spawnSync('python3', ['-c', 'import pty'], { stdio: 'ignore' }).status === 0;
const ESC = '\u001b[';

function shellQuote(text) {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** Runs `h2-setup ...args` on a new pty in `cwd` and resolves with everything it printed. */
function runOnPty(args, { cwd, env }) {
  const command = [process.execPath, cliPath, ...args].map(shellQuote).join(' ');
  const [program, programArgs] = hasScript
    ? ['script', ['-qfec', command, '/dev/null']]
    : [
        'python3',
        ['-c', 'import os, pty, sys\nstatus = pty.spawn(["/bin/sh", "-c", sys.argv[1]])\nsys.exit(os.waitstatus_to_exitcode(status) % 256)', command],
      ];
  return new Promise((resolve, reject) => {
    const child = spawn(program, programArgs, { cwd, env: { ...process.env, TERM: 'xterm', ...env }, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (output += chunk));
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {}
      reject(new Error(`h2-setup ${args.join(' ')} on a pty did not finish\n${output}`));
    }, 30_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

const noPty = !hasScript && !hasPython && 'neither util-linux script nor python3 is here to make a pseudo-terminal';

test('certs --check on a terminal: the problems in red, the fixes in cyan', { skip: noPty, timeout: 40_000 }, async (t) => {
  const cwd = tempDir(t);
  const env = { NO_COLOR: '' };
  const { code, output } = await runOnPty(['certs', '--check'], { cwd, env });
  assert.equal(code, 1, output);
  assert.ok(output.includes(`${ESC}31mcannot read the private key`), output);
  assert.ok(output.includes(`fix: ${ESC}36mrun`), output);
});

test('NO_COLOR turns colour off on a terminal', { skip: noPty, timeout: 40_000 }, async (t) => {
  const cwd = tempDir(t);
  const { code, output } = await runOnPty(['certs', '--check'], { cwd, env: { NO_COLOR: '1' } });
  assert.equal(code, 1, output);
  assert.match(output, /cannot read the private key/);
  assert.ok(!output.includes(ESC), output);
});

test('no colour into a pipe, even without NO_COLOR', { timeout: 40_000 }, async (t) => {
  const cwd = tempDir(t);
  const result = await runCli(['certs', '--check'], { cwd, env: { NO_COLOR: '', FORCE_COLOR: '1' } });
  assert.equal(result.code, 1, result.stderr);
  assert.match(result.stdout, /cannot read the private key/);
  assert.ok(!result.stdout.includes(ESC), result.stdout);
});
