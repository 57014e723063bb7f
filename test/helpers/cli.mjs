// Shared test helpers: run the real, built CLI as a child process with a time bound,
// and make throw-away directories that are removed after the test. Importing this
// module gives the test file its private HOME, cache and CA root (sandbox.mjs).
import './sandbox.mjs';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { killProcessTree, newRunMarker } from './process-tree.mjs';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const cliPath = join(repoRoot, 'bin', 'h2-setup.cjs');

/**
 * Runs `command ...args` in a process group of its own and resolves with
 * { code, signal, stdout, stderr }. If it outlives `timeoutMs`, or `signal` (an
 * AbortSignal) aborts first, it and everything it started (the verified program, npm and
 * its scripts, certutil) are killed, and the promise then rejects, so a hung child fails
 * the test instead of hanging the suite or leaving processes behind.
 */
export function runCommand(command, args, { cwd = repoRoot, env = {}, timeoutMs = 120_000, input, signal, label = `${command} ${args.join(' ')}` } = {}) {
  return new Promise((resolve, reject) => {
    const marker = newRunMarker();
    const child = spawn(command, args, {
      cwd,
      env: { ...process.env, NO_COLOR: '1', ...env, ...marker.env },
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
    if (input !== undefined) child.stdin.end(input);
    const stop = (why) => {
      const killed = killProcessTree(child.pid, marker.id);
      reject(new Error(`${label} ${why} (killed pids ${killed.join(', ')})\nstdout: ${stdout}\nstderr: ${stderr}`));
    };
    const timer = setTimeout(() => stop(`did not finish within ${timeoutMs} ms`), timeoutMs);
    const onAbort = () => {
      clearTimeout(timer);
      stop('was aborted');
    };
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
    const settled = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    child.on('error', (error) => {
      settled();
      reject(error);
    });
    child.on('close', (code, exitSignal) => {
      settled();
      resolve({ code, signal: exitSignal, stdout, stderr });
    });
  });
}

/** Runs `h2-setup ...args` (the built CLI, on this Node) through runCommand. */
export function runCli(args, options = {}) {
  return runCommand(process.execPath, [cliPath, ...args], { label: `h2-setup ${args.join(' ')}`, ...options });
}

// Directories tempDir made and has not removed yet: a test cancelled by its suite's
// timeout never runs its t.after hooks, so they are removed when the process exits too.
const tempDirs = new Set();
process.on('exit', () => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** A fresh directory under the OS temp dir, removed when the test (t) ends. */
export function tempDir(t, prefix = 'h2-setup-test-') {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.add(dir);
  t.after(() => {
    rmSync(dir, { recursive: true, force: true });
    tempDirs.delete(dir);
  });
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
