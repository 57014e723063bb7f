// Each command loads only what it uses: loading modules is most of what `certs` and `--help`
// cost (bench/ecdsa.mjs, bench/help.mjs). The real CLI runs with a preload that lists every
// module it loads (module.registerHooks, Node 22.15+; skipped on older Node).
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import module from 'node:module';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli, tempDir } from '../helpers/cli.mjs';

const PRELOAD = `
const { registerHooks } = require('node:module');
const { writeFileSync } = require('node:fs');
const loaded = [];
registerHooks({ load(url, context, next) { loaded.push(url); return next(url, context); } });
process.on('exit', () => writeFileSync(process.env.LOADED_LIST, JSON.stringify({ loaded, builtins: process.moduleLoadList })));
`;

/** Runs the CLI and returns the module URLs and Node's own modules it loaded. */
async function modulesLoadedBy(t, args) {
  const dir = tempDir(t);
  const preload = join(dir, 'list-modules.cjs');
  const list = join(dir, 'loaded.json');
  writeFileSync(preload, PRELOAD);
  const result = await runCli(args(dir), { env: { NODE_OPTIONS: `--require ${preload}`, LOADED_LIST: list } });
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(readFileSync(list, 'utf8'));
}

const skip = module.registerHooks === undefined ? 'module.registerHooks needs Node 22.15+' : false;

test('a self-signed pair loads no local-CA, CSR or PKCS#12 code, nor Node modules it does not use', { skip }, async (t) => {
  const { loaded, builtins } = await modulesLoadedBy(t, (dir) => ['certs', '--key-type', 'ecdsa', '--out-dir', join(dir, 'out')]);
  const ours = loaded.filter((url) => url.includes('/dist/'));
  assert.ok(
    ours.some((url) => url.endsWith('/dist/certs/x509/leaf.js')),
    'the leaf builder is loaded',
  );
  const needless = ours.filter((url) => /\/dist\/certs\/(ca\/|trust\/(?!node-system-ca\.js)|x509\/(index|csr|pkcs12)\.js)/.test(url));
  assert.deepEqual(needless, []);
  // An ES module import of node:fs or node:util builds its whole namespace (fs/promises,
  // parseArgs...); node:timers/promises is not needed for one wait.
  const unused = ['NativeModule tls', 'NativeModule internal/fs/promises', 'NativeModule internal/util/parse_args/parse_args', 'NativeModule timers/promises'];
  assert.deepEqual(
    unused.filter((name) => builtins.includes(name)),
    [],
  );
});

test('--help loads no command', { skip }, async (t) => {
  const { loaded } = await modulesLoadedBy(t, () => ['--help']);
  const commands = loaded.filter((url) => /\/dist\/(certs|verify|init|system)\//.test(url));
  assert.deepEqual(commands, []);
});
