// Helpers for the verify suites: copy a program from test/fixtures/verify into a fresh
// temporary project (with a key pair made once per suite by the real `h2-setup certs`),
// and check that processes and ports are really gone afterwards.
import { copyFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli, tempDir } from './cli.mjs';
import { isAlive } from './process-tree.mjs';
import { snapshot } from './snapshot.mjs';

// One of each helper: the verify suites take these from here with the rest.
export { isAlive, snapshot };

export const fixtures = fileURLToPath(new URL('../fixtures/verify/', import.meta.url));

/** Makes one key pair per test file (on first use, removed when the file's tests end);
 *  returns the directory holding it. */
let certificates;
export function makeCertificates() {
  certificates ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'h2-setup-verify-certs-'));
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
    const result = await runCli(['certs', '--out-dir', dir]);
    if (result.code !== 0) throw new Error(`h2-setup certs failed: ${result.stderr}`);
    return dir;
  })();
  return certificates;
}

/** A temporary copy of fixture `name`, plus the pem files from `certsDir` when given. */
export function project(t, name, certsDir) {
  const dir = tempDir(t, `h2-setup-verify-${name}-`);
  cpSync(join(fixtures, name), dir, { recursive: true });
  if (certsDir) {
    for (const file of ['private-key.pem', 'public-cert.pem']) copyFileSync(join(certsDir, file), join(dir, file));
  }
  return dir;
}

/** esbuild output cache of the verify suites: a temporary directory, not the user's ~/.cache. */
const cacheDir = mkdtempSync(join(tmpdir(), 'h2-setup-verify-cache-'));
process.on('exit', () => rmSync(cacheDir, { recursive: true, force: true }));
export const verifyEnv = { H2_SETUP_CACHE_DIR: cacheDir };

/** Runs `h2-setup verify ...` with the suite's cache directory. */
export function runVerify(args, options = {}) {
  return runCli(['verify', ...args], { ...options, env: { ...verifyEnv, ...options.env } });
}

/** Runs `h2-setup verify ... --json` and returns the exit code and the parsed document. */
export async function verifyJson(args, options) {
  const result = await runVerify([...args, '--json'], options);
  let json;
  try {
    json = JSON.parse(result.stdout);
  } catch (error) {
    throw new Error(`stdout is not one JSON document (${error.message}):\n${result.stdout}\nstderr: ${result.stderr}`);
  }
  return { ...result, json };
}

/** Resolves true once `pid` is no longer alive, false if it still is after `ms`. */
export async function waitUntilGone(pid, ms = 3000) {
  const deadline = Date.now() + ms;
  while (isAlive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  return !isAlive(pid);
}

/** Resolves true when something can listen on `port` again (on every address, as the program did). */
export function portIsFree(port) {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, () => server.close(() => resolve(true)));
  });
}
