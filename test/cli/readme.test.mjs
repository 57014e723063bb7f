// The README's example outputs are real: each ```console block starting with `$ h2-setup …`
// (in README.md and docs/*.md) is run for real, in a fresh sandbox made to look like a
// user's home, and must print what the block shows. Only the parts that change from run to
// run are normalised (NORMALISE below); lines a block leaves out are a line holding only
// `…`, and which lines an example leaves out is written here, in its recipe, not in the
// Markdown. To refresh the blocks from real runs after an intended change:
//   H2_SETUP_WRITE_EXAMPLES=1 node --test test/cli/readme.test.mjs
// then read `git diff README.md docs/` before committing it.
//
// The examples run on Node 26, the line users run: the trust report and verify's header
// name the Node line, so one output cannot hold for every line. The Quick start's own
// commands are run by CI itself (.ci/run takes the test command from it).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { cliPath, repoRoot, runCommand, tempDir } from '../helpers/cli.mjs';
import { findRealClients } from '../helpers/real-clients.mjs';
import { envFor, NODE26 } from '../helpers/scaffolded-project.mjs';

const FILES = ['README.md', 'docs/local-ca.md'];
const WRITE = process.env.H2_SETUP_WRITE_EXAMPLES === '1';
const REFRESH = 'H2_SETUP_WRITE_EXAMPLES=1 node --test test/cli/readme.test.mjs';
const NODE = process.version.startsWith('v26.') ? process.execPath : NODE26;

/** The home directory the examples show: the sandbox's own is replaced by it. */
const SHOWN_HOME = '/home/you';
/** The CA's name holds user@host; the examples show this instead. */
const SHOWN_USER_AT_HOST = 'you@laptop';

/**
 * What changes from run to run, replaced on both sides before comparing. Nothing else is:
 * a changed word, line, order of sections or exit message is drift.
 */
const NORMALISE = [
  [/ *\b\d+\.\d ms\b/g, ' <ms>'], // timings (one decimal; a --timeout like `10000 ms` is kept)
  [/\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, '<time>'], // notBefore, notAfter
  [/\b\d{4}-\d\d-\d\d\b/g, '<date>'], // expiry dates
  [/\b([0-9A-F]{2}:){31}[0-9A-F]{2}\b/g, '<sha256>'], // fingerprints
  [/\bpid \d+/g, 'pid <pid>'],
  [/\bNode v26\.\d+\.\d+/g, 'Node v26.<x>'], // CI fetches the latest 26, this machine may have another
];

function normalise(text) {
  // The port verify chose: the number after PORT= wherever it appears (the URL, the listen line).
  const port = text.match(/\bPORT=(\d+)/)?.[1];
  let out = port ? text.replace(new RegExp(`\\b${port}\\b`, 'g'), '<port>') : text;
  for (const [pattern, replacement] of NORMALISE) out = out.replace(pattern, replacement);
  return out;
}

// ---- the examples ---------------------------------------------------------------------

/** Lines from the one starting with `from` (a prefix) up to, not including, the next blank line. */
function sectionRange(lines, from) {
  const start = lines.findIndex((line) => line.startsWith(from));
  assert.ok(start >= 0, `no line starting with ${JSON.stringify(from)}`);
  const end = lines.indexOf('', start);
  return [start, end < 0 ? lines.length : end];
}

/** `lines` without [start, end), a `…` line in their place. */
function elide(lines, start, end) {
  return end > start ? [...lines.slice(0, start), '…', ...lines.slice(end)] : lines;
}

/**
 * verify's report without what differs from run to run in order: the middle of the
 * timeline (client and server events interleave as the sockets go) and the program's
 * own output.
 */
function verifyExcerpt(lines) {
  const [outputStart, outputEnd] = sectionRange(lines, 'Program output:');
  const kept = elide(lines, outputStart, outputEnd);
  const [start, end] = sectionRange(kept, 'Timeline');
  return elide(kept, start + 3, end - 1);
}

/**
 * Each example, by the command its block shows: what runs first in the same directory
 * (`before`), and which lines the block shows (`excerpt`, all of them when absent).
 */
const EXAMPLES = new Map([
  ['h2-setup certs', {}],
  ['h2-setup certs --check', { before: [['certs']] }],
  [
    'h2-setup init my-demo --yes',
    {
      // What init wrote and the verdict; verify's report is the next example.
      excerpt: (lines) =>
        elide(
          lines,
          lines.findIndex((line) => line.startsWith('verify ')),
          lines.findIndex((line) => line.startsWith('PASS: ')),
        ),
    },
  ],
  ['h2-setup verify my-demo', { before: [['init', 'my-demo', '--yes', '--no-verify']], excerpt: verifyExcerpt }],
  ['h2-setup certs --key-type ecdsa', { before: [['certs']] }],
  ['h2-setup certs --ca', {}],
  ['h2-setup certs --ca --host www.example.org', {}],
]);

/** Every ```console block of `file` that starts with `$ h2-setup`. */
function consoleBlocks(file) {
  const text = readFileSync(join(repoRoot, file), 'utf8');
  const blocks = [];
  for (const match of text.matchAll(/^```console\n(\$ (h2-setup[^\n]*))\n([\s\S]*?)^```$/gm)) {
    const line = text.slice(0, match.index).split('\n').length;
    blocks.push({ file, line, command: match[2], shown: match[3], start: match.index, end: match.index + match[0].length, prompt: match[1] });
  }
  return blocks;
}

const blocks = FILES.flatMap(consoleBlocks);

/** Runs an example in a fresh home and returns its output as the README would show it. */
async function runExample(t, command) {
  const recipe = EXAMPLES.get(command);
  const root = tempDir(t, 'h2-setup-readme-');
  const home = join(root, 'home');
  const cwd = join(home, 'demo');
  mkdirSync(cwd, { recursive: true });
  const env = envFor(NODE, {
    HOME: home,
    XDG_DATA_HOME: join(home, '.local', 'share'),
    XDG_CACHE_HOME: join(home, '.cache'),
    H2_SETUP_CAROOT: join(home, '.local', 'share', 'h2-setup'),
    H2_SETUP_CACHE_DIR: join(home, '.cache', 'h2-setup'),
    // A user's shell sets none of these; a CI machine's may.
    NODE_EXTRA_CA_CERTS: undefined,
    SSL_CERT_FILE: undefined,
    SSL_CERT_DIR: undefined,
  });
  const h2setup = (args) => runCommand(NODE, [cliPath, ...args], { cwd, env, timeoutMs: 60_000, label: `h2-setup ${args.join(' ')}` });
  for (const args of recipe.before ?? []) {
    const done = await h2setup(args);
    assert.equal(done.code, 0, `setup step h2-setup ${args.join(' ')}: ${done.stderr}`);
  }
  const result = await h2setup(command.split(' ').slice(1));
  const output = `${result.stdout}${result.stderr}`
    .replaceAll(home, SHOWN_HOME)
    .replaceAll(`${userInfo().username}@${hostname()}`, SHOWN_USER_AT_HOST)
    .trimEnd();
  const lines = output.split('\n');
  return `${(recipe.excerpt ? recipe.excerpt(lines) : lines).join('\n')}\n`;
}

/** Where the two first differ, as a short message. */
function firstDifference(shown, actual) {
  const a = shown.split('\n');
  const b = actual.split('\n');
  const at = a.findIndex((line, i) => line !== b[i]);
  const index = at < 0 ? a.length : at;
  return `first difference at output line ${index + 1}:\n    block: ${JSON.stringify(a[index] ?? '(nothing)')}\n    run:   ${JSON.stringify(b[index] ?? '(nothing)')}`;
}

const rewrites = new Map(FILES.map((file) => [file, []]));

test('every example block has a recipe here, and every recipe a block', () => {
  const commands = blocks.map((block) => block.command);
  assert.deepEqual(
    commands.filter((command) => !EXAMPLES.has(command)),
    [],
    'console blocks starting with `$ h2-setup …` with no recipe in EXAMPLES (test/cli/readme.test.mjs)',
  );
  assert.deepEqual(
    [...EXAMPLES.keys()].filter((command) => !commands.includes(command)),
    [],
    'recipes whose block is gone',
  );
});

const missing = !existsSync(NODE) ? `no Node 26 at ${NODE}: run .ci/run once (it fetches it), or set H2_SETUP_NODE26` : findRealClients(['openssl']).missing;

for (const block of blocks) {
  test(`${block.file}:${block.line} \`${block.command}\` shows what it prints`, {
    skip: missing ?? !EXAMPLES.has(block.command),
    timeout: 120_000,
  }, async (t) => {
    const actual = await runExample(t, block.command);
    const shown = normalise(block.shown);
    const ran = normalise(actual);
    if (WRITE) {
      // Only a block that drifted is rewritten, so a refresh's diff is the change itself.
      if (shown !== ran) rewrites.get(block.file).push({ ...block, actual });
      return;
    }
    assert.ok(
      shown === ran,
      `${block.file}:${block.line}, the block for \`${block.command}\`, is not what the command prints now; ${firstDifference(shown, ran)}\n` +
        `If the change is intended, refresh the blocks from real runs with \`${REFRESH}\` and review \`git diff ${FILES.join(' ')}\`.\n` +
        `--- block (normalised)\n${shown}--- run (normalised)\n${ran}`,
    );
  });
}

after(() => {
  if (!WRITE) return;
  for (const [file, changes] of rewrites) {
    let text = readFileSync(join(repoRoot, file), 'utf8');
    for (const change of changes.sort((a, b) => b.start - a.start)) {
      text = `${text.slice(0, change.start)}\`\`\`console\n${change.prompt}\n${change.actual}\`\`\`${text.slice(change.end)}`;
    }
    writeFileSync(join(repoRoot, file), text);
  }
});

test('the README is for a newcomer: at most 300 lines, a Troubleshooting section, the npx warning once, the JSON and CA guides in docs/', () => {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const lines = readme.endsWith('\n') ? readme.split('\n').length - 1 : readme.split('\n').length;
  assert.ok(lines <= 300, `README.md has ${lines} lines`);
  assert.match(readme, /^## Troubleshooting$/m);
  assert.equal(readme.match(/never run `npx h2-setup`/gi)?.length, 1, 'the warning against npx h2-setup, once');
  for (const doc of ['docs/json.md', 'docs/local-ca.md']) {
    assert.ok(readme.includes(`](${doc})`), `the README links ${doc}`);
    assert.ok(existsSync(join(repoRoot, doc)), doc);
  }
  // .ci/run runs the first `npm test` line of the Quick start: exactly two commands there.
  const quickStart = readme.match(/^## Quick start\n[\s\S]*?```sh\n([\s\S]*?)```/m)?.[1];
  assert.ok(quickStart, 'a Quick start with a sh block');
  const commands = quickStart.split('\n').filter((line) => line.trim() && !line.startsWith('#'));
  assert.equal(commands.length, 2, `two commands: ${commands.join(' / ')}`);
  assert.match(commands[1], /^npm (test|run test)\b/);
});
