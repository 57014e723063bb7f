// Every template x transport, end to end: `h2-setup init` scaffolds and verifies
// it, the project type-checks with its own pinned devDependencies, and `npm start`
// prints what the README promises. The dependencies are installed once (into the
// first project) and symlinked into the others to keep the suite fast.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli, runCommand } from '../helpers/cli.mjs';

const COMBINATIONS = [
  { template: 'example-1', transport: 'h2c' },
  { template: 'example-1', transport: 'tls' },
  { template: 'example-2', transport: 'h2c' },
  { template: 'example-2', transport: 'tls' },
];

/**
 * A port for `npm start`'s PORT. The tutorial's program connects to the very port it
 * asked for, so it cannot take port 0; and a port found free by listening on 0 and
 * closing can be handed to anyone else (other suites run at the same time) before the
 * program binds it. So the port comes from below the kernel's ephemeral range, which the
 * kernel never hands out for port 0 or outgoing connections, and nothing binds it first:
 * only a program listening there on purpose can collide, and then the caller tries again.
 */
function portOutsideEphemeralRange() {
  let low = 32768;
  try {
    low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || low;
  } catch {}
  const bottom = Math.max(1024, low - 12_000);
  return bottom + Math.floor(Math.random() * (low - bottom));
}

describe('init: every template x transport, end to end', { timeout: 300_000 }, () => {
  let root;
  // npm and tsx keep files in TMPDIR (tsx its compile cache, /tmp/tsx-<uid>): here, a
  // directory removed with the projects, so the suite leaves no trace in the real one.
  let scratchEnv;
  const projects = new Map();

  before(async () => {
    // A space and non-ASCII characters in the path, as users have.
    const scratch = mkdtempSync(join(tmpdir(), 'h2-setup-e2e-'));
    root = join(scratch, 'projects é 1');
    mkdirSync(root);
    mkdirSync(join(scratch, 'tmp'));
    scratchEnv = { TMPDIR: join(scratch, 'tmp') };
    const scaffold = async ({ template, transport }, extra = []) => {
      const name = `${template}-${transport}`;
      const result = await runCli(['init', name, '--template', template, `--${transport}`, '--json', ...extra], {
        cwd: root,
        env: scratchEnv,
        timeoutMs: 180_000,
      });
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
      const result = await runCommand('npm', ['run', 'typecheck'], { cwd: projects.get(name).dir, env: scratchEnv, timeoutMs: 120_000 });
      assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
    });

    test(`${name}: npm start prints the tutorial's lines, client destroyed included`, async (t) => {
      let result;
      for (let attempt = 1; attempt <= 5; attempt++) {
        const port = portOutsideEphemeralRange();
        result = await runCommand('npm', ['start', '--silent'], { cwd: projects.get(name).dir, env: { ...scratchEnv, PORT: String(port) }, timeoutMs: 60_000 });
        if (result.code === 0 || !/EADDRINUSE/.test(result.stderr)) break;
        t.diagnostic(`port ${port} is in use by something else; trying another`);
      }
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
