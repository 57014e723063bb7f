// verify against a corpus of outside-style programs (test/fixtures/verify-corpus), judged by
// the truth: each program compiled with tsc, then run with plain node on each Node line, passes
// when tsc reports no error, the program prints 'session is closed' (only a server session's
// 'close' handler prints that, by the corpus's convention) and exits 0 within the timeout.
// Then `h2-setup verify` runs a fresh copy (no build) on the same line, and must agree; nothing
// either of them started may be left running.
//
// Usage: node bench/verify-corpus.mjs [node binary ...]   (default: this node; CORPUS_ONLY=a,b runs those)
// Prints one line per program and line that disagrees or leaves something behind, and the score.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { killProcessTree, newRunMarker, processesWithEnv, RUN_MARKER } from '../test/helpers/process-tree.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const corpus = join(root, 'test', 'fixtures', 'verify-corpus');
const cli = join(root, 'bin', 'h2-setup.cjs');
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const nodes = process.argv.length > 2 ? process.argv.slice(2) : [process.execPath];
const TIMEOUT_MS = 8000;
const work = mkdtempSync(join(tmpdir(), 'h2-setup-corpus-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));
const cacheDir = join(work, 'cache');

/** Runs a command in a group of its own; kills it and everything it started at `timeoutMs`. */
function run(command, args, { cwd, env = {}, timeoutMs }) {
  return new Promise((resolve) => {
    const marker = newRunMarker();
    const child = spawn(command, args, {
      cwd,
      env: { ...process.env, NO_COLOR: '1', ...env, ...marker.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killProcessTree(child.pid, marker.id);
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      // What is still running now was left behind; stop it, and say so.
      const left = processesWithEnv(RUN_MARKER, marker.id);
      if (left.length > 0) killProcessTree(child.pid, marker.id);
      resolve({ code, stdout, stderr, timedOut, left });
    });
  });
}

function copy(name, suffix) {
  const dir = join(work, `${name}-${suffix}`);
  cpSync(join(corpus, name), dir, { recursive: true });
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

const jsEntry = (entry) =>
  entry
    .replace(/\.ts$/, '.js')
    .replace(/\.mts$/, '.mjs')
    .replace(/\.cts$/, '.cjs');
/** A port the kernel hands out as free, for a truth run (verify picks its own). */
function freePort() {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const programs = readdirSync(corpus, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && (!process.env.CORPUS_ONLY || process.env.CORPUS_ONLY.split(',').includes(entry.name)))
  .map((entry) => entry.name)
  .sort();
const lines = new Map(nodes.map((node) => [node, spawnSync(node, ['-p', 'process.version'], { encoding: 'utf8' }).stdout.trim()]));
const rows = [];

async function judgeProgram(name) {
  const meta = JSON.parse(readFileSync(join(corpus, name, 'corpus.json'), 'utf8'));
  const built = copy(name, 'tsc');
  const compiled = await run(process.execPath, [tsc, '-p', built], { cwd: built, timeoutMs: 120_000 });
  for (const node of nodes) {
    const line = lines.get(node);
    const truthRun = await run(node, [jsEntry(meta.entry)], { cwd: built, env: { PORT: String(await freePort()) }, timeoutMs: TIMEOUT_MS });
    const truth = compiled.code === 0 && !truthRun.timedOut && truthRun.code === 0 && truthRun.stdout.includes('session is closed');
    const fresh = copy(name, `verify-${line}`);
    const started = Date.now();
    const verified = await run(node, [cli, 'verify', fresh, '--entry', meta.entry, '--json', '--timeout', String(TIMEOUT_MS)], {
      cwd: fresh,
      env: { H2_SETUP_CACHE_DIR: cacheDir },
      timeoutMs: TIMEOUT_MS + 5000,
    });
    const ms = Date.now() - started;
    let json = null;
    try {
      json = JSON.parse(verified.stdout);
    } catch {
      // reported below
    }
    const row = { name, line, expect: meta.expect, truth, verify: json?.passed ?? null, failure: json?.failure ?? null, ms, left: verified.left.length };
    row.right = json !== null && json.passed === truth && verified.left.length === 0 && !verified.timedOut;
    row.expectationHolds = (meta.expect === 'pass') === truth;
    if (!row.right || !row.expectationHolds) {
      console.log(
        `${row.right ? 'ok  ' : 'MISS'} ${line} ${name}: truth ${truth ? 'pass' : 'fail'} (expected ${meta.expect}${compiled.code === 0 ? '' : ', tsc failed'}), verify ${json ? (json.passed ? 'pass' : `fail ${json.failure}: ${json.reason}`) : `no JSON: ${verified.stderr.slice(0, 300)}`}${verified.left.length ? `, left ${verified.left.length} running` : ''}`,
      );
    }
    rows.push(row);
  }
}

// Two programs at a time: the machine is shared, and timings are reported, not judged.
const queue = [...programs];
await Promise.all(
  [0, 1].map(async () => {
    while (queue.length > 0) await judgeProgram(queue.shift());
  }),
);
for (const line of new Set(rows.map((row) => row.line))) {
  const mine = rows.filter((row) => row.line === line);
  const slowest = Math.max(...mine.map((row) => row.ms));
  console.log(
    `${line}: ${mine.filter((row) => row.right).length}/${mine.length} judged right, slowest verify ${slowest} ms, ${mine.filter((row) => !row.expectationHolds).length} where the truth differed from the corpus's expectation`,
  );
}
