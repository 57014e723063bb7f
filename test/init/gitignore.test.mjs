// A scaffold's .gitignore, judged by git itself: every secret h2-setup can write into the
// project (the server key, the client key, a key under another name, the PKCS#12 bundle)
// stays out of a commit, and the commands its comments give run in that project with the
// installed h2-setup, naming no path of the machine that made it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { test } from 'node:test';
import { isolatedCaEnv } from '../helpers/ca-env.mjs';
import { cliPath, runCli, tempDir } from '../helpers/cli.mjs';
import { realClients } from '../helpers/real-clients.mjs';
import { runShell } from '../helpers/scaffolded-project.mjs';

test('.gitignore keeps every key and bundle.p12 out of git, and its commands run with the installed h2-setup', { timeout: 300_000 }, async (t) => {
  const git = spawnSync('git', ['--version']);
  if (git.status !== 0) {
    t.skip('git is not on PATH');
    return;
  }
  if (!realClients(t, ['openssl'])) return;
  const { env } = isolatedCaEnv(t);
  const root = tempDir(t);
  const init = await runCli(['init', 'demo', '--mtls', '--yes', '--no-verify'], { cwd: root, env });
  assert.equal(init.code, 0, init.stderr);
  const dir = join(root, 'demo');
  // What else h2-setup can write here: a PKCS#12 bundle, and a key under a name of the user's.
  const p12 = await runCli(['certs', '--ca', '--p12', '--force', '--out-dir', dir], { env: { ...env, H2_SETUP_P12_PASSWORD: 'secret' } });
  assert.equal(p12.code, 0, p12.stderr);
  const named = await runCli(['certs', '--key', 'server.key', '--cert', 'server.crt', '--out-dir', dir], { env });
  assert.equal(named.code, 0, named.stderr);

  const inGit = (...args) => spawnSync('git', args, { cwd: dir, encoding: 'utf8', env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', HOME: env.HOME } });
  assert.equal(inGit('init', '-q').status, 0);
  assert.equal(inGit('add', '-A').status, 0);
  const staged = inGit('ls-files').stdout.split('\n').filter(Boolean);
  for (const secret of ['private-key.pem', 'client-key.pem', 'bundle.p12', 'server.key']) {
    assert.ok(!staged.includes(secret), `${secret} would be committed: ${staged.join(', ')}`);
  }
  assert.ok(staged.includes('index.ts') && staged.includes('.gitignore'), staged.join(', '));

  const gitignore = readFileSync(join(dir, '.gitignore'), 'utf8');
  assert.ok(!gitignore.includes(cliPath) && !gitignore.includes(process.execPath), `no path of this machine:\n${gitignore}`);
  // The project does not depend on h2-setup, so `npx h2-setup` would fetch whatever the
  // registry has under that name: the comments name the installed one.
  const packageJson = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  assert.equal(packageJson.devDependencies?.['h2-setup'], undefined);
  assert.doesNotMatch(gitignore, /npx/);
  const commands = [...gitignore.matchAll(/^#\s+(h2-setup .+)$/gm)].map((match) => match[1]);
  assert.deepEqual(commands, ['h2-setup certs --ca --force', 'h2-setup certs --client --force']);
  // Installed as npm install -g / npm link installs it: a link named h2-setup on PATH.
  const bin = join(root, 'bin');
  mkdirSync(bin);
  symlinkSync(cliPath, join(bin, 'h2-setup'));
  for (const command of commands) {
    const result = await runShell(command, { cwd: dir, env: { ...env, PATH: `${bin}${delimiter}${process.env.PATH}` }, timeoutMs: 120_000 });
    assert.equal(result.code, 0, `${command}: ${result.stderr}`);
  }
});
