// The scaffolded project's README, followed word for word as a newcomer would: every
// h2-setup command it (and init's report, and .gitignore) writes runs as written
// through `sh -c` from the project directory, without the npm registry; the output it
// documents is what `npm start` prints on Node 20 and on Node 26; PORT chooses the port.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { isolatedCaEnv } from '../helpers/ca-env.mjs';
import { cliPath, runCli, tempDir } from '../helpers/cli.mjs';
import { codeBlocks, envFor, freePort, nodeLines, outputLines, run, runShell, shellCommands } from '../helpers/scaffolded-project.mjs';

/** The README's h2-setup commands: every sh line that is not npm's (those need an install; see below). */
const h2setupCommands = (readme) => shellCommands(readme).filter((line) => !/^([A-Z0-9_]+=\S+ )?npm /.test(line));

/** PATH without any directory holding an `h2-setup`, so the default case is the one tested. */
const pathWithoutH2setup = () =>
  (process.env.PATH ?? '')
    .split(delimiter)
    .filter((dir) => {
      try {
        readFileSync(join(dir, 'h2-setup'));
        return false;
      } catch {
        return true;
      }
    })
    .join(delimiter);

describe('the commands a scaffolded project is given run as written', { timeout: 300_000 }, () => {
  for (const variant of [
    { name: 'h2c', args: ['--h2c'] },
    { name: 'tls', args: ['--tls'] },
    { name: 'tls-ca', args: ['--ca'] },
    { name: 'mtls', args: ['--mtls'] },
  ]) {
    test(`${variant.name}: README, .gitignore and init's report, with no h2-setup on PATH`, async (t) => {
      const { env } = isolatedCaEnv(t);
      env.PATH = pathWithoutH2setup();
      // A space and a quote in the path: the commands must quote what they name.
      const root = join(tempDir(t), "new user's dir");
      mkdirSync(root);
      const init = await runCli(['init', 'demo', ...variant.args, '--yes', '--no-verify'], { cwd: root, env });
      assert.equal(init.code, 0, init.stderr);
      const dir = join(root, 'demo');
      const readme = readFileSync(join(dir, 'README.md'), 'utf8');
      assert.doesNotMatch(readme, /npx/, 'never sends anyone to the registry');
      assert.doesNotMatch(init.stdout, /npx/);

      const commands = h2setupCommands(readme);
      // Where the README names h2-setup, it names this one, the way a shell finds it.
      const expectedPrefix = `node ${cliPath}`;
      assert.ok(commands.length >= (variant.name === 'h2c' ? 1 : 3), `README commands: ${JSON.stringify(commands)}`);
      for (const line of commands) assert.ok(line.startsWith(`${expectedPrefix} `), line);

      // .gitignore names the installed h2-setup, never this path: test/init/gitignore.test.mjs.
      assert.ok(!readFileSync(join(dir, '.gitignore'), 'utf8').includes(cliPath), '.gitignore names no path of this machine');
      const reportCommands = [...init.stdout.matchAll(/run `([^`]+)` in the project/g), ...init.stdout.matchAll(/installed: (.+)$/gm)].map((m) => m[1]);
      assert.ok(reportCommands.length >= 1, init.stdout);

      // init's report first: the README's later `certs --ca --force` leaves a pair the tls client (which trusts public-cert.pem) refuses.
      for (const line of [...reportCommands, ...commands]) {
        const result = await runShell(line, { cwd: dir, env, timeoutMs: 120_000 });
        t.diagnostic(`${line}: exit ${result.code}`);
        assert.equal(result.code, 0, `sh -c ${JSON.stringify(line)}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
      }
    });
  }

  test('with this h2-setup on PATH (npm link, npm install -g) the commands say just `h2-setup`, and run', async (t) => {
    const { env } = isolatedCaEnv(t);
    const bin = join(tempDir(t), 'bin');
    mkdirSync(bin);
    // What npm link and npm install -g put on PATH: a symbolic link to bin/h2-setup.cjs.
    symlinkSync(cliPath, join(bin, 'h2-setup'));
    env.PATH = `${bin}${delimiter}${pathWithoutH2setup()}`;
    const cwd = tempDir(t);
    const init = await runCli(['init', 'demo', '--tls', '--yes', '--no-verify'], { cwd, env });
    assert.equal(init.code, 0, init.stderr);
    const dir = join(cwd, 'demo');
    const commands = h2setupCommands(readFileSync(join(dir, 'README.md'), 'utf8'));
    assert.deepEqual(commands, ['h2-setup certs --force', 'h2-setup verify', 'h2-setup certs --ca --force', 'h2-setup certs --install-ca']);
    assert.match(init.stdout, /run `h2-setup verify` in the project/);
    const result = await runShell('h2-setup verify', { cwd: dir, env, timeoutMs: 120_000 });
    assert.equal(result.code, 0, result.stderr);
  });

  test('an h2-setup on PATH that is not this one is not trusted', async (t) => {
    const { env } = isolatedCaEnv(t);
    const bin = join(tempDir(t), 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'h2-setup'), '#!/bin/sh\necho "some other h2-setup" >&2\nexit 3\n');
    chmodSync(join(bin, 'h2-setup'), 0o755);
    env.PATH = `${bin}${delimiter}${pathWithoutH2setup()}`;
    const cwd = tempDir(t);
    const init = await runCli(['init', 'demo', '--yes', '--no-verify'], { cwd, env });
    assert.equal(init.code, 0, init.stderr);
    const commands = h2setupCommands(readFileSync(join(cwd, 'demo', 'README.md'), 'utf8'));
    assert.deepEqual(commands, [`node ${cliPath} certs --force`, `node ${cliPath} verify`]);
  });
});

describe('the README documents what npm start prints, on each Node line', { timeout: 600_000 }, () => {
  const COMBINATIONS = ['example-1 h2c', 'example-1 tls', 'example-2 h2c', 'example-2 tls'].map((pair) => {
    const [template, transport] = pair.split(' ');
    return { template, transport, name: `${template}-${transport}` };
  });
  let root;
  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'h2-setup-readme-'));
    // The first project installs its pinned devDependencies (tsx among them) through
    // `init --install`; the others borrow them.
    for (const [index, { template, transport, name }] of COMBINATIONS.entries()) {
      const extra = index === 0 ? ['--install'] : [];
      const init = await runCli(['init', name, '--template', template, `--${transport}`, '--yes', '--no-verify', ...extra], { cwd: root, timeoutMs: 240_000 });
      assert.equal(init.code, 0, `${init.stdout}\n${init.stderr}`);
      if (index > 0) symlinkSync(join(root, COMBINATIONS[0].name, 'node_modules'), join(root, name, 'node_modules'), 'dir');
    }
  });
  after(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  for (const { name, transport } of COMBINATIONS) {
    for (const line of nodeLines()) {
      test(`${name} on ${line.label}: npm start prints the lines the README shows for it`, { skip: line.skip }, async () => {
        const dir = join(root, name);
        const readme = readFileSync(join(dir, 'README.md'), 'utf8');
        const env = envFor(line.node, { PORT: String(await freePort()) });
        const version = (await run('node', ['--version'], { cwd: dir, env, timeoutMs: 120_000 })).stdout.trim();
        const major = Number(version.match(/^v(\d+)/)?.[1]);
        assert.ok(major >= 20, `node on PATH is ${version}`);

        // The README shows the lines for Node 20 and 22 first; a second block, when
        // there is one, is Node 24 and later's order.
        const outputs = codeBlocks(readme)
          .filter((block) => block.lang === '' && /destroyed/.test(block.body))
          .map((block) => outputLines(block.body));
        assert.equal(outputs.length, transport === 'h2c' ? 2 : 1, `output blocks in the README: ${JSON.stringify(outputs)}`);
        if (outputs.length === 1) assert.match(readme, /Node 24 and later print the same lines in the same order/);
        const documented = major >= 24 ? outputs.at(-1) : outputs[0];

        const result = await run('npm', ['start', '--silent'], { cwd: dir, env, timeoutMs: 60_000 });
        assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
        assert.deepEqual(outputLines(result.stdout), documented, `npm start on ${version}`);
      });
    }
  }

  test('PORT chooses the port; a taken port stops the program with EADDRINUSE, as the README says', async (t) => {
    const dir = join(root, 'example-1-h2c');
    const readme = readFileSync(join(dir, 'README.md'), 'utf8');
    assert.match(readme, /PORT=9000 npm start {2}# another port, when 8000 is taken/);
    assert.match(readme, /with the port taken it stops with `EADDRINUSE`, and `PORT` is how you\nchoose another/);
    assert.match(readme, /listens on the loopback interface only/);
    assert.match(readme, /^Template `example-1`: the tutorial.s example 1, which answers/m);
    assert.doesNotMatch(readme.replace(/^```sh\n[^`]*```$/gm, ''), /^.{121,}$/m, 'no prose line longer than 120 characters');

    const blocker = createServer();
    await new Promise((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    t.after(() => blocker.close());
    const taken = blocker.address().port;
    const result = await run('npm', ['start', '--silent'], { cwd: dir, env: { PORT: String(taken) }, timeoutMs: 60_000 });
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /EADDRINUSE/);
  });

  test('the TLS project type-checks, serve.ts included', async () => {
    const dir = join(root, 'example-1-tls');
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    assert.equal(pkg.scripts.serve, 'tsx serve.ts');
    const result = await run('npm', ['run', 'typecheck'], { cwd: dir, timeoutMs: 120_000 });
    assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
  });

  test('h2c projects get no serve script (nothing a browser can open)', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'example-1-h2c', 'package.json'), 'utf8'));
    assert.equal(pkg.scripts.serve, undefined);
  });
});
