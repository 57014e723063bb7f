// Shared test helpers: run the real, built CLI as a child process with a time bound,
// and make throw-away directories that are removed after the test.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const cliPath = join(repoRoot, 'bin', 'h2-setup.cjs');

/**
 * Runs `h2-setup ...args` and resolves with { code, signal, stdout, stderr }.
 * The child is killed (with its process group) if it outlives `timeoutMs`, and the
 * promise then rejects, so a hung CLI fails the test instead of hanging the suite.
 */
export function runCli(args, { cwd = repoRoot, env = {}, timeoutMs = 30_000, input } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: '1', ...env },
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
    if (input !== undefined) child.stdin.end(input);
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {}
      reject(new Error(`h2-setup ${args.join(' ')} did not finish within ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** A fresh directory under the OS temp dir, removed when the test (t) ends. */
export function tempDir(t, prefix = 'h2-setup-test-') {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A one-line error: exactly one line of text on stderr, no stack trace. */
export function assertOneLineError(assert, result, expectedCode, pattern) {
  assert.equal(result.code, expectedCode, `exit code; stderr: ${result.stderr}`);
  const lines = result.stderr.trimEnd().split('\n');
  assert.match(lines[0], /^h2-setup: /, result.stderr);
  if (pattern) assert.match(lines[0], pattern);
  assert.ok(lines.length <= 2, `at most a message and a hint, got:\n${result.stderr}`);
  assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
}
