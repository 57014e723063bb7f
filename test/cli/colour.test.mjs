// Colour where people look for it (PASS/FAIL, problems, fixes): on a terminal only, never
// with NO_COLOR, never into a pipe. The terminal is a pseudo-terminal the test makes itself
// (util-linux `script`, or python3's pty module); without either the pty tests are skipped.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli, tempDir } from '../helpers/cli.mjs';
import { noPty, runCliOnPty } from '../helpers/pty.mjs';

const ESC = '\u001b[';

/** Runs `h2-setup ...args` on a new pty in `cwd`; resolves with its exit code and output. */
const runOnPty = (args, { cwd, env }) => runCliOnPty(args, { cwd, env: { TERM: 'xterm', ...env } });

test('certs --check on a terminal: the problems in red, the fixes in cyan', { skip: noPty, timeout: 120_000 }, async (t) => {
  const cwd = tempDir(t);
  const env = { NO_COLOR: '' };
  const { code, output } = await runOnPty(['certs', '--check'], { cwd, env });
  assert.equal(code, 1, output);
  assert.ok(output.includes(`${ESC}31mcannot read the private key`), output);
  assert.ok(output.includes(`fix: ${ESC}36mrun`), output);
});

test('NO_COLOR turns colour off on a terminal', { skip: noPty, timeout: 120_000 }, async (t) => {
  const cwd = tempDir(t);
  const { code, output } = await runOnPty(['certs', '--check'], { cwd, env: { NO_COLOR: '1' } });
  assert.equal(code, 1, output);
  assert.match(output, /cannot read the private key/);
  assert.ok(!output.includes(ESC), output);
});

test('no colour into a pipe, even without NO_COLOR', { timeout: 120_000 }, async (t) => {
  const cwd = tempDir(t);
  const result = await runCli(['certs', '--check'], { cwd, env: { NO_COLOR: '', FORCE_COLOR: '1' } });
  assert.equal(result.code, 1, result.stderr);
  assert.match(result.stdout, /cannot read the private key/);
  assert.ok(!result.stdout.includes(ESC), result.stdout);
});
