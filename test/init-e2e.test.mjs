// Every template x transport, end to end: `h2-setup init` scaffolds and verifies
// it, the project type-checks with its own pinned devDependencies, and `npm start`
// prints what the README promises. The dependencies are installed once (into the
// first project) and symlinked into the others to keep the suite fast.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli } from './helpers/cli.mjs';

const COMBINATIONS = [
  { template: 'example-1', transport: 'h2c' },
  { template: 'example-1', transport: 'tls' },
  { template: 'example-2', transport: 'h2c' },
  { template: 'example-2', transport: 'tls' },
];

/** Runs a command in its own process group; on timeout the whole group is killed
 *  (npm -> sh -> tsx -> node) and the promise rejects, so nothing outlives the test. */
function run(command, args, { cwd, env = {}, timeoutMs }) {
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

/** A port nothing listens on right now (other suites run concurrently). */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

describe('init: every template x transport, end to end', { timeout: 300_000 }, () => {
  let root;
  const projects = new Map();

  before(async () => {
    // A space and non-ASCII characters in the path, as users have.
    root = join(mkdtempSync(join(tmpdir(), 'h2-setup-e2e-')), 'projects é 1');
    mkdirSync(root);
    const scaffold = async ({ template, transport }, extra = []) => {
      const name = `${template}-${transport}`;
      const result = await runCli(['init', name, '--template', template, `--${transport}`, '--json', ...extra], { cwd: root, timeoutMs: 180_000 });
      assert.notEqual(result.stdout, '', `init wrote its JSON\n${result.stderr}`);
      projects.set(name, { dir: join(root, name), result });
      return projects.get(name);
    };
    // The first project installs its own pinned devDependencies through
    // `init --install` (npm's output must stay off stdout); the others borrow them.
    const [firstCombination, ...otherCombinations] = COMBINATIONS;
    const first = await scaffold(firstCombination, ['--install']);
    const install = JSON.parse(first.result.stdout).install;
    assert.equal(install?.ok, true, `npm install\n${first.result.stderr}`);
    const others = await Promise.all(otherCombinations.map((combination) => scaffold(combination)));
    for (const project of others) symlinkSync(join(first.dir, 'node_modules'), join(project.dir, 'node_modules'), 'dir');
  });

  after(() => {
    if (root) rmSync(join(root, '..'), { recursive: true, force: true });
  });

  for (const { template, transport } of COMBINATIONS) {
    const name = `${template}-${transport}`;
    const protocol = transport === 'tls' ? 'h2' : 'h2c';

    test(`${name}: init writes it and verify passes (exit 0)`, () => {
      const { result } = projects.get(name);
      const doc = JSON.parse(result.stdout);
      assert.equal(doc.template, template);
      assert.equal(doc.transport, transport);
      assert.ok(doc.files.length >= 7);
      assert.ok(doc.certificates.fingerprintSha256);
      assert.equal(doc.verify?.reason ?? null, null, 'no failure reason');
      assert.equal(doc.verify?.passed, true, JSON.stringify(doc.verify));
      assert.equal(doc.ok, true);
      assert.equal(result.code, 0, result.stderr);
    });

    test(`${name}: npm run typecheck passes (strict, its own pinned TypeScript)`, async () => {
      const result = await run('npm', ['run', 'typecheck'], { cwd: projects.get(name).dir, timeoutMs: 120_000 });
      assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
    });

    test(`${name}: npm start prints the tutorial's lines, client destroyed included`, async () => {
      const port = await freePort();
      const result = await run('npm', ['start', '--silent'], { cwd: projects.get(name).dir, env: { PORT: String(port) }, timeoutMs: 60_000 });
      assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
      const out = result.stdout;
      if (template === 'example-1') {
        assert.match(out, /^status : 200$/m);
        assert.match(out, /^Received: hello/m);
      } else {
        assert.doesNotMatch(out, /status : /);
      }
      // The protocol line shows what the session negotiated: h2c in plaintext, h2 by ALPN over TLS.
      assert.match(out, new RegExp(`Received: .*session protocol : ${protocol} *$`, 'm'));
      for (const line of ['session is closed', 'server destroyed', 'client destroyed']) {
        assert.match(out, new RegExp(`^${line}$`, 'm'), `prints "${line}"\n${out}`);
      }
    });
  }
});
