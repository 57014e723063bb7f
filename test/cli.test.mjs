import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { assertOneLineError, repoRoot, runCli, tempDir } from './helpers/cli.mjs';

const version = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).version;

/** What commander itself prints, bypassing the launcher's pre-rendered fast path. */
function commanderOutput(args) {
  return spawnSync(process.execPath, [join(repoRoot, 'dist', 'cli.js'), ...args], {
    encoding: 'utf8',
    timeout: 15_000,
    env: { ...process.env, COLUMNS: '80' },
  });
}

describe('help and version', { timeout: 60_000 }, () => {
  for (const args of [['--help'], ['-h'], ['certs', '--help'], ['verify', '--help'], ['init', '-h'], ['help', 'certs'], ['--version']]) {
    test(`h2-setup ${args.join(' ')} prints exactly what commander prints`, async () => {
      const fast = await runCli(args);
      const slow = commanderOutput(args);
      assert.equal(fast.code, 0);
      assert.equal(slow.status, 0, slow.stderr);
      assert.equal(fast.stdout, slow.stdout);
    });
  }

  test('--version is the package version', async () => {
    assert.equal((await runCli(['--version'])).stdout, `${version}\n`);
  });

  test('every command has an example in its help', async () => {
    for (const command of ['certs', 'verify', 'init']) {
      const { stdout } = await runCli([command, '--help']);
      assert.match(stdout, new RegExp(`Examples:\\n\\s+h2-setup ${command}`));
    }
  });

  test('no command at all shows help and fails as usage', async () => {
    const result = await runCli([]);
    assert.equal(result.code, 2);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /^Usage: h2-setup/);
  });

  test('an unknown flag at the top level is one line, exit 2', async () => {
    assertOneLineError(assert, await runCli(['--nope']), 2, /unknown option '--nope'/);
  });
});

describe("certs: the launcher's fast path and commander agree", { timeout: 60_000 }, () => {
  const viaCommander = (args, cwd) => spawnSync(process.execPath, [join(repoRoot, 'dist', 'cli.js'), ...args], { encoding: 'utf8', timeout: 30_000, cwd });

  test('the same pair description and the same errors', async (t) => {
    const dir = tempDir(t);
    const args = (out) => ['certs', '--out-dir', join(dir, out), '--host', 'localhost', '--host', '::1', '--days', '30', '--json'];
    const fast = await runCli(args('fast'));
    const slow = viaCommander(args('slow'));
    assert.equal(fast.code, 0, fast.stderr);
    assert.equal(slow.status, 0, slow.stderr);
    const [a, b] = [JSON.parse(fast.stdout), JSON.parse(slow.stdout)];
    for (const key of ['hosts', 'commonName', 'bits', 'days', 'signatureAlgorithm']) assert.deepEqual(a[key], b[key], key);
    assert.deepEqual(Object.keys(a).sort(), Object.keys(b).sort());

    for (const bad of [['--days', '0'], ['--bits', '1024'], ['--host', '300.1.1.1'], ['--nope'], ['--days'], ['extra'], ['--check', '--days', '3']]) {
      const f = await runCli(['certs', '--out-dir', join(dir, 'bad'), ...bad]);
      const s = viaCommander(['certs', '--out-dir', join(dir, 'bad'), ...bad]);
      assert.equal(f.code, 2, `${bad.join(' ')}: ${f.stderr}`);
      assert.equal(f.code, s.status, bad.join(' '));
      assert.equal(f.stderr, s.stderr, bad.join(' '));
    }
    assert.deepEqual(readdirSync(dir).sort(), ['fast', 'slow']);
  });
});
