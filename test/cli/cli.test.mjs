import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { assertOneLineError, cliPath, repoRoot, runCli, tempDir } from '../helpers/cli.mjs';

const version = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).version;

// Suite limits bound a hang, not a busy machine: 180 s, far above a normal run.
describe('help and version', { timeout: 180_000 }, () => {
  for (const args of [['--help'], ['-h'], ['certs', '--help'], ['verify', '--help'], ['init', '-h'], ['help', 'certs']]) {
    test(`h2-setup ${args.join(' ')} prints commander's help on stdout, exit 0`, async () => {
      const result = await runCli(args);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /^Usage: h2-setup/);
      assert.equal(result.stderr, '');
    });
  }

  test('`help certs` and `certs --help` are the same text', async () => {
    assert.equal((await runCli(['help', 'certs'])).stdout, (await runCli(['certs', '--help'])).stdout);
  });

  test('help shows the defaults from the flag tables', async () => {
    const certs = (await runCli(['certs', '--help'])).stdout;
    assert.match(certs, /--days <n>\s+days the certificate is valid, 1-825 \(default: 365\)/);
    assert.match(certs, /--bits <n>\s+RSA key size: 2048, 3072, 4096 \(default: 2048\)/);
    const verify = (await runCli(['verify', '--help'])).stdout;
    assert.match(verify, /\(default: 10000\)/);
    assert.match(verify, /\(default: "index\.ts"\)/);
  });

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

describe('usage errors', { timeout: 180_000 }, () => {
  test('a usage error names the command to ask for help', async () => {
    const result = await runCli(['certs', '--nope']);
    assertOneLineError(assert, result, 2, /unknown option '--nope'/);
    assert.equal(result.stderr.split('\n')[1], 'run `h2-setup certs --help` for the accepted flags');
    assertOneLineError(assert, await runCli(['init', '--no-verifi']), 2, /unknown option '--no-verifi' \(did you mean --no-verify\?\)$/);
  });

  // A script reading --json output still gets one JSON document, even for a usage error.
  for (const [args, code, pattern] of [
    [['certs', '--nope', '--json'], 'unknown-option', /unknown option '--nope'/],
    [['certs', '--json', '--nope'], 'unknown-option', /unknown option '--nope'/],
    [['certs', '--json', '--check', '--days', '3'], 'conflicting-option', /'--check' cannot be used with option '--days <n>'/],
    [['certs', '--json', '--days', '0'], 'usage', /--days "0" is not allowed/],
    [['verify', 'a', 'b', '--json'], 'excess-arguments', /too many arguments/],
    [['verify', '--json', '--entry', 'x.py'], 'usage', /--entry "x\.py" is not a program verify can run/],
    [['init', '--json', '--port', '0'], 'usage', /--port "0" is not a port/],
  ]) {
    test(`--json with a usage error (${args.join(' ')}) is one JSON document on stdout too`, async (t) => {
      const cwd = tempDir(t);
      const result = await runCli(args, { cwd });
      assertOneLineError(assert, result, 2, pattern);
      const document = JSON.parse(result.stdout);
      assert.deepEqual(Object.keys(document), ['ok', 'error']);
      assert.equal(document.ok, false);
      assert.equal(document.error.code, code);
      assert.match(document.error.message, pattern);
      assert.equal(result.stderr.split('\n')[0], `h2-setup: ${document.error.message}`);
      assert.deepEqual(readdirSync(cwd), [], 'nothing written');
    });
  }

  test('without --json a usage error leaves stdout empty', async () => {
    const result = await runCli(['certs', '--days', '0']);
    assert.equal(result.code, 2);
    assert.equal(result.stdout, '');
  });
});

// `h2-setup help | head -1` must not end in an EPIPE stack trace: a closed pipe is a normal end.
test('a closed stdout ends the command quietly', { timeout: 120_000 }, async () => {
  const child = spawn(process.execPath, [cliPath, 'help'], { stdio: ['ignore', 'pipe', 'pipe'] });
  // Closed before the CLI writes anything, as `head -1` would after its line.
  child.stdout.destroy();
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
  const code = await new Promise((resolve) => child.on('close', resolve));
  assert.equal(stderr, '');
  assert.equal(code, 0);
});
