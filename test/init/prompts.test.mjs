// h2-setup init at a terminal: the inquirer questions, driven through a real
// pseudo-terminal the test makes itself (util-linux `script`, or python3's pty
// module), since the test runner (and CI) has no TTY. CI is unset in the child's
// environment because CI=true turns prompting off.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isolatedCaEnv } from '../helpers/ca-env.mjs';
import { cliPath, tempDir } from '../helpers/cli.mjs';
import { runCliOnPty, runLineOnPty, shellQuote, stripAnsi } from '../helpers/pty.mjs';

const ENTER = '\r';
const DOWN = '\x1b[B';
const CA_QUESTION = '? Sign the certificate with your local development CA';
const CTRL_C = '\x03';

/**
 * Runs `h2-setup ...args` on a pty in `cwd`, typing each step's keys when its text appears
 * (see runLineOnPty). Resolves with { code, output (without escape sequences), unmatched }.
 */
async function runOnPty(args, { cwd, steps = [], env = {}, timeoutMs = 120_000 }) {
  const ran = await runCliOnPty(args, { cwd, steps, timeoutMs, env: { NO_COLOR: '1', TERM: 'xterm', COLUMNS: '200', ...env, CI: '' } });
  return { ...ran, output: stripAnsi(ran.output).replace(/\r/g, '') };
}

const QUESTIONS = ['? Project directory', '? Template', '? Transport', '? Default port', '? Install dependencies'];

test('pressing Enter through every question scaffolds the defaults', async (t) => {
  const cwd = tempDir(t);
  const result = await runOnPty(['init', '--no-verify'], { cwd, steps: QUESTIONS.map((question) => [question, ENTER]) });
  assert.deepEqual(result.unmatched, [], `every question was asked\n${result.output}`);
  assert.equal(result.code, 0, result.output);
  // Each template and transport is shown with its one-line description.
  assert.match(result.output, /the tutorial's example 1/);
  assert.match(result.output, /plaintext HTTP\/2 with http2\.createServer\(\)/);
  assert.ok(!result.output.includes(CA_QUESTION), `the local-CA question is only asked for TLS\n${result.output}`);
  const dir = join(cwd, 'h2-close-demo');
  assert.deepEqual(readdirSync(dir).sort(), ['.gitignore', 'README.md', 'index.ts', 'package.json', 'private-key.pem', 'public-cert.pem', 'tsconfig.json']);
  const index = readFileSync(join(dir, 'index.ts'), 'utf8');
  assert.match(index, /^const DEFAULT_PORT = 8000;$/m);
  assert.match(index, /http2\.createServer\(options\)/);
  assert.match(result.output, /Next steps:\n {2}cd h2-close-demo\n {2}npm install\n {2}npm start/);
});

test('flags pre-answer their questions', async (t) => {
  const cwd = tempDir(t);
  const { env } = isolatedCaEnv(t);
  const result = await runOnPty(['init', 'given', '--template', 'example-2', '--tls', '--port', '9000', '--no-verify'], {
    cwd,
    env,
    // --tls leaves the local-CA question open; Enter takes its default, no.
    steps: [
      [CA_QUESTION, ENTER],
      ['? Install dependencies', ENTER],
    ],
  });
  assert.deepEqual(result.unmatched, [], result.output);
  assert.equal(result.code, 0, result.output);
  for (const question of QUESTIONS.slice(0, 4)) assert.ok(!result.output.includes(question), `${question} is not asked\n${result.output}`);
  const index = readFileSync(join(cwd, 'given', 'index.ts'), 'utf8');
  assert.match(index, /createSecureServer[\s\S]*const DEFAULT_PORT = 9000;|const DEFAULT_PORT = 9000;[\s\S]*createSecureServer/);
  assert.match(index, /^const TRUSTED_CERT_FILE = 'public-cert\.pem';$/m);
  assert.ok(!existsSync(join(cwd, 'given', 'ca-cert.pem')));
  assert.ok(!existsSync(env.H2_SETUP_CAROOT), 'answering no never creates the CA');
});

test('choosing TLS at the prompt asks about the local CA; yes signs with it and the client trusts ca-cert.pem', async (t) => {
  const cwd = tempDir(t);
  const { env } = isolatedCaEnv(t);
  const result = await runOnPty(['init', 'signed', '--template', 'example-1', '--port', '8000', '--no-verify'], {
    cwd,
    env,
    steps: [
      ['? Transport', DOWN + ENTER], // the second choice, tls
      [CA_QUESTION, `y${ENTER}`],
      ['? Install dependencies', ENTER],
    ],
  });
  assert.deepEqual(result.unmatched, [], result.output);
  assert.equal(result.code, 0, result.output);
  const dir = join(cwd, 'signed');
  assert.match(readFileSync(join(dir, 'index.ts'), 'utf8'), /^const TRUSTED_CERT_FILE = 'ca-cert\.pem';$/m);
  const ca = new X509Certificate(readFileSync(join(dir, 'ca-cert.pem')));
  assert.ok(new X509Certificate(readFileSync(join(dir, 'public-cert.pem'))).verify(ca.publicKey));
  assert.ok(existsSync(join(env.H2_SETUP_CAROOT, 'rootCA.pem')), 'the CA was made in the isolated CA root');
});

test('a prompt answer gets the same checks as a flag, and is asked again', async (t) => {
  const cwd = tempDir(t);
  const result = await runOnPty(['init', '--template', 'example-1', '--h2c', '--no-verify'], {
    cwd,
    steps: [
      ['? Project directory', 'Bad Name\r'],
      ['not a valid npm package name', '\x15good-name\r'], // Ctrl-U clears the line
      ['? Default port', '70000\r'],
      ['not a port', '\x15' + '8123\r'],
      ['? Install dependencies', ENTER],
    ],
  });
  assert.deepEqual(result.unmatched, [], result.output);
  assert.equal(result.code, 0, result.output);
  assert.match(readFileSync(join(cwd, 'good-name', 'index.ts'), 'utf8'), /^const DEFAULT_PORT = 8123;$/m);
  assert.ok(!existsSync(join(cwd, 'Bad Name')));
});

for (const [label, at] of [
  ['the second question', 1],
  ['the last question', 4],
]) {
  test(`Ctrl-C at ${label}: exit 130, "cancelled", nothing on disk`, async (t) => {
    const cwd = tempDir(t);
    const steps = QUESTIONS.slice(0, at).map((question) => [question, ENTER]);
    steps.push([QUESTIONS[at], CTRL_C]);
    const result = await runOnPty(['init', '--no-verify'], { cwd, steps });
    assert.deepEqual(result.unmatched, [], result.output);
    assert.equal(result.code, 130, result.output);
    assert.match(result.output, /^h2-setup: cancelled$/m);
    assert.doesNotMatch(result.output, /\n\s+at /, 'no stack trace');
    assert.deepEqual(readdirSync(cwd), [], 'nothing was written');
  });
}

test('CI set, or --yes: never prompts, even at a terminal', async (t) => {
  const cwd = tempDir(t);
  // runOnPty always clears CI, so CI=true is set inside the pty's shell line instead.
  const yes = await runOnPty(['init', 'with-yes', '--yes', '--no-verify'], { cwd, timeoutMs: 120_000 });
  assert.equal(yes.code, 0, yes.output);
  assert.ok(!yes.output.includes('?'), yes.output);
  const command = `CI=true ${[process.execPath, cliPath, 'init', 'in-ci', '--no-verify'].map(shellQuote).join(' ')}`;
  const ran = await runLineOnPty(command, { cwd, env: { NO_COLOR: '1' }, timeoutMs: 120_000 });
  const ci = { code: ran.code, output: stripAnsi(ran.output) };
  assert.equal(ci.code, 0, ci.output);
  assert.ok(!ci.output.includes('? Project directory'), ci.output);
  assert.ok(existsSync(join(cwd, 'in-ci', 'index.ts')));
});

// Needs `verify` (src/verify) and cli.ts passing verify: undefined when --no-verify
// is absent; goes green when both land.
test('without --no-verify it asks whether to verify (default yes), and verifies', async (t) => {
  const cwd = tempDir(t);
  const steps = [...QUESTIONS, '? Verify now'].map((question) => [question, ENTER]);
  const result = await runOnPty(['init'], { cwd, steps, timeoutMs: 60_000 });
  assert.deepEqual(result.unmatched, [], `every question was asked\n${result.output}`);
  assert.equal(result.code, 0, result.output);
  assert.match(result.output, /Verified: the server session's 'close' event fired\./);
});
