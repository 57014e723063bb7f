import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { assertOneLineError, repoRoot, runCli } from './helpers/cli.mjs';

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
