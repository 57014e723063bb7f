// h2-setup init without a terminal: what it writes, what it refuses (exit 2, one
// line, the file system unchanged), --json, --force, and paths with spaces and
// non-ASCII characters. Runs the real, built CLI; every run is time-bounded.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { assertOneLineError, repoRoot, runCli, tempDir } from '../helpers/cli.mjs';
import { snapshot } from '../helpers/snapshot.mjs';

/** Every path under `root` with its kind, mode and contents: equal listings mean
 *  nothing was created, changed or deleted. */
/** Runs init in `cwd` and asserts a one-line usage error that left `cwd` as it was. */
async function assertRefused(_t, cwd, args, pattern) {
  const before = snapshot(cwd);
  const result = await runCli(['init', ...args], { cwd });
  assertOneLineError(assert, result, 2, pattern);
  // Under --json the error is also a JSON document on stdout, so a script gets one document; otherwise stdout stays empty.
  if (args.includes('--json')) assert.equal(JSON.parse(result.stdout).error.code, 'usage');
  else assert.equal(result.stdout, '', 'nothing on stdout');
  assert.deepEqual(snapshot(cwd), before, 'the file system is unchanged');
  return result;
}

test('refuses a non-empty directory without --force, and leaves it alone', async (t) => {
  const cwd = tempDir(t);
  mkdirSync(join(cwd, 'demo'));
  writeFileSync(join(cwd, 'demo', 'keep.txt'), 'mine\n');
  await assertRefused(t, cwd, ['demo', '--yes', '--no-verify'], /not empty/);
  // --json never prompts either, and still refuses the same way.
  await assertRefused(t, cwd, ['demo', '--json', '--no-verify'], /not empty/);
});

test('refuses a file as the target, even with --force', async (t) => {
  const cwd = tempDir(t);
  writeFileSync(join(cwd, 'demo'), 'a file\n');
  await assertRefused(t, cwd, ['demo', '--yes', '--no-verify'], /is a file/);
  await assertRefused(t, cwd, ['demo', '--yes', '--no-verify', '--force'], /is a file/);
  await assertRefused(t, cwd, ['demo/sub', '--yes', '--no-verify', '--force'], /which is a file/);
});

test('refuses a port outside 1-65535', async (t) => {
  const cwd = tempDir(t);
  for (const port of ['0', '65536', 'abc', '80.5', '-1', '']) {
    await assertRefused(t, cwd, ['demo', '--yes', '--no-verify', `--port=${port}`], /port/);
  }
});

// Everything is checked before anything is written, --force included: a refusal half-way would leave a half-made project.
test('--force refuses a project file whose name is taken by a directory, and replaces nothing', async (t) => {
  const cwd = tempDir(t);
  mkdirSync(join(cwd, 'demo', 'tsconfig.json'), { recursive: true });
  writeFileSync(join(cwd, 'demo', 'index.ts'), '// mine\n');
  writeFileSync(join(cwd, 'demo', 'package.json'), '{}\n');
  await assertRefused(t, cwd, ['demo', '--yes', '--no-verify', '--force'], /"demo\/tsconfig\.json" is a directory; init writes its tsconfig\.json there/);
});

test('refuses an unknown template and lists the available ones', async (t) => {
  const cwd = tempDir(t);
  const result = await assertRefused(t, cwd, ['demo', '--yes', '--no-verify', '--template', 'example-9'], /example-9/);
  assert.match(result.stderr, /available templates: example-1, example-2/);
});

test('refuses a directory name that is not a valid npm package name', async (t) => {
  const cwd = tempDir(t);
  for (const dir of ['My Demo', 'Capitals', '.hidden', 'http2', 'démo']) {
    await assertRefused(t, cwd, [dir, '--yes', '--no-verify'], /not a valid npm package name/);
  }
  // npm refuses a leading hyphen (the hand-written copy of its rules accepted it).
  await assertRefused(t, cwd, ['--yes', '--no-verify', '--', '-lead'], /"-lead" is not a valid npm package name \(name cannot start with a hyphen\)/);
});

test('without a terminal it never prompts: defaults fill every answer', async (t) => {
  const cwd = tempDir(t);
  // runCli gives the child no stdin at all, so stdin is not a TTY.
  const result = await runCli(['init', '--no-verify'], { cwd, env: { CI: '' } });
  assert.equal(result.code, 0, result.stderr);
  const dir = join(cwd, 'h2-close-demo');
  assert.deepEqual(readdirSync(dir).sort(), ['.gitignore', 'README.md', 'index.ts', 'package.json', 'private-key.pem', 'public-cert.pem', 'tsconfig.json']);
  const index = readFileSync(join(dir, 'index.ts'), 'utf8');
  assert.match(index, /^const DEFAULT_PORT = 8000;$/m);
  assert.match(index, /http2\.createServer\(options\)/, 'h2c by default');
  assert.match(index, /console\.log\('status : '/, 'example-1 by default');
  assert.match(result.stdout, /Next steps:\n {2}cd h2-close-demo\n {2}npm install\n {2}npm start\n/);
  assert.equal(statSync(join(dir, 'private-key.pem')).mode & 0o777, 0o600, 'the key is private');
});

test('writes the project files, with the name, port and transport asked for', async (t) => {
  const cwd = tempDir(t);
  const result = await runCli(['init', 'tls-demo', '--template', 'example-2', '--tls', '--port', '9123', '--yes', '--no-verify'], { cwd });
  assert.equal(result.code, 0, result.stderr);
  const dir = join(cwd, 'tls-demo');
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  assert.equal(pkg.name, 'tls-demo');
  assert.equal(pkg.type, 'module');
  assert.equal(pkg.scripts.start, 'tsx index.ts');
  assert.equal(pkg.scripts.typecheck, 'tsc --noEmit');
  assert.deepEqual(pkg.devDependencies, { '@types/node': '20.19.43', tsx: '4.23.15', typescript: '5.9.3' });

  const tsconfig = JSON.parse(readFileSync(join(dir, 'tsconfig.json'), 'utf8'));
  assert.equal(tsconfig.compilerOptions.strict, true);
  assert.equal(tsconfig.compilerOptions.module, 'NodeNext');
  assert.equal(tsconfig.compilerOptions.moduleResolution, 'NodeNext');
  assert.equal(tsconfig.compilerOptions.noEmit, true);

  const gitignore = readFileSync(join(dir, '.gitignore'), 'utf8');
  assert.match(gitignore, /^node_modules\/?$/m);
  assert.match(gitignore, /^\*\.pem$/m);

  const index = readFileSync(join(dir, 'index.ts'), 'utf8');
  assert.match(index, /^const DEFAULT_PORT = 9123;$/m);
  assert.match(index, /process\.env\.PORT/);
  assert.match(index, /http2\.createSecureServer\(options\)/);
  assert.match(index, /https:\/\/localhost:\$\{port\}/);
  // Without --ca the client trusts the self-signed certificate itself.
  assert.match(index, /^const TRUSTED_CERT_FILE = 'public-cert\.pem';$/m);
  assert.match(index, /ca: fs\.readFileSync\(TRUSTED_CERT_FILE\)/);
  assert.ok(!existsSync(join(dir, 'ca-cert.pem')), 'no CA certificate without --ca');
  assert.doesNotMatch(index.replace(/^\s*\/\/.*$/gm, ''), /rejectUnauthorized/, 'never turns certificate checks off');
  assert.match(index, /http2session\.on\('close', \(\) => \{\n\s+console\.log\('session is closed'\);/);
  assert.doesNotMatch(index, /status : /, 'example-2 has no response handler');

  const readme = readFileSync(join(dir, 'README.md'), 'utf8');
  assert.doesNotMatch(readme, /\{\{\w+\}\}/, 'every placeholder filled');
  assert.match(readme, /npm start/);
  assert.match(readme, /Received: session protocol : h2\n/);
  assert.match(readme, /client destroyed/);
  assert.match(readme, /createSecureServer/);
});

test('--json prints one JSON document: files, certificate summary, verify verdict', async (t) => {
  const cwd = tempDir(t);
  const result = await runCli(['init', 'json-demo', '--json', '--no-verify'], { cwd });
  assert.equal(result.code, 0, result.stderr);
  const doc = JSON.parse(result.stdout);
  assert.equal(doc.ok, true);
  assert.equal(doc.name, 'json-demo');
  assert.equal(doc.template, 'example-1');
  assert.equal(doc.transport, 'h2c');
  assert.equal(doc.port, 8000);
  const dir = join(cwd, 'json-demo');
  assert.deepEqual(doc.files.map((file) => relative(dir, file)).sort(), [
    '.gitignore',
    'README.md',
    'index.ts',
    'package.json',
    'private-key.pem',
    'public-cert.pem',
    'tsconfig.json',
  ]);
  assert.equal(doc.certificates.keyPath, join(dir, 'private-key.pem'));
  assert.equal(doc.certificates.certPath, join(dir, 'public-cert.pem'));
  assert.match(doc.certificates.fingerprintSha256, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  assert.equal(doc.verify, null, 'skipped with --no-verify');
  assert.equal(doc.install, null);
  assert.deepEqual(doc.nextSteps, ['cd json-demo', 'npm install', 'npm start']);
});

test('--force writes into a non-empty directory, replaces its own files and deletes nothing', async (t) => {
  const cwd = tempDir(t);
  const dir = join(cwd, 'demo');
  mkdirSync(dir);
  writeFileSync(join(dir, 'keep.txt'), 'mine\n');
  writeFileSync(join(dir, 'index.ts'), 'old\n');
  const first = await runCli(['init', 'demo', '--yes', '--no-verify', '--force'], { cwd });
  assert.equal(first.code, 0, first.stderr);
  assert.equal(readFileSync(join(dir, 'keep.txt'), 'utf8'), 'mine\n');
  assert.match(readFileSync(join(dir, 'index.ts'), 'utf8'), /session is closed/);
  const oldCert = readFileSync(join(dir, 'public-cert.pem'), 'utf8');
  // Again, now with the key and certificate already there: --force replaces them too.
  const second = await runCli(['init', 'demo', '--yes', '--no-verify', '--force', '--tls'], { cwd });
  assert.equal(second.code, 0, second.stderr);
  assert.notEqual(readFileSync(join(dir, 'public-cert.pem'), 'utf8'), oldCert);
  assert.match(readFileSync(join(dir, 'index.ts'), 'utf8'), /createSecureServer/);
  assert.equal(readFileSync(join(dir, 'keep.txt'), 'utf8'), 'mine\n');
});

test('a directory holding only .git counts as empty', async (t) => {
  const cwd = tempDir(t);
  mkdirSync(join(cwd, 'demo', '.git'), { recursive: true });
  const result = await runCli(['init', 'demo', '--yes', '--no-verify'], { cwd });
  assert.equal(result.code, 0, result.stderr);
});

test('paths with spaces and non-ASCII characters work, from any working directory', async (t) => {
  const root = tempDir(t);
  const parent = join(root, 'with space é 日本');
  mkdirSync(parent);
  // The cwd is far from the package: templates must come from the package itself.
  const result = await runCli(['init', join(parent, 'demo-app'), '--yes', '--no-verify', '--json'], { cwd: root });
  assert.equal(result.code, 0, result.stderr);
  const doc = JSON.parse(result.stdout);
  assert.equal(doc.dir, join(parent, 'demo-app'));
  assert.equal(doc.name, 'demo-app');
  assert.match(readFileSync(join(parent, 'demo-app', 'index.ts'), 'utf8'), /session is closed/);
  assert.match(doc.nextSteps[0], /^cd '.*with space é 日本\/demo-app'$/);
});

test('the published package carries the templates, .gitignore included (as gitignore)', { timeout: 60_000 }, () => {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: repoRoot,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    timeout: 60_000,
  });
  const files = JSON.parse(out)[0].files.map((file) => file.path);
  for (const path of [
    'templates/_project/gitignore',
    'templates/_project/package.json',
    'templates/_project/tsconfig.json',
    'templates/_project/README.md',
    'templates/example-1/template.json',
    'templates/example-1/h2c/index.ts',
    'templates/example-1/tls/index.ts',
    'templates/example-2/h2c/index.ts',
    'templates/example-2/tls/index.ts',
  ]) {
    assert.ok(files.includes(path), `${path} is packed`);
  }
});
