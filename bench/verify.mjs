// `h2-setup verify` on the tutorial's example 1 (TypeScript) vs plain `node` running the
// same program as JavaScript (esbuild's output of that TypeScript, run as an ES module).
// Both arms run the program to completion on a free port with NODE_EXTRA_CA_CERTS unset.
// Usage: node bench/verify.mjs [runs]
//
// Two figures, both with the full TypeScript transform (esbuild, on every Node line): warm
// (h2-setup's per-user cache on, as on every verify of an unchanged project after the first:
// esbuild's output comes from it, and Node 22.1+ keeps its compile cache there too) and cold
// (cache off with H2_SETUP_CACHE_DIR='': the program's loader starts esbuild and transpiles on
// every run).

import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cleanEnv, compare, timeOnce } from './lib.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'bin', 'h2-setup.cjs');
const runs = Number(process.argv[2] ?? 30);

const dir = mkdtempSync(join(tmpdir(), 'h2-setup-bench-verify-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const fixture = join(root, 'test', 'fixtures', 'verify', 'example-1-esm');
copyFileSync(join(fixture, 'index.ts'), join(dir, 'index.ts'));
copyFileSync(join(fixture, 'package.json'), join(dir, 'package.json'));
const certs = spawnSync(process.execPath, [cli, 'certs', '--out-dir', dir], { env: cleanEnv });
if (certs.status !== 0) throw new Error(`h2-setup certs failed: ${certs.stderr}`);
const esbuild = createRequire(import.meta.url)('esbuild');
const javascript = esbuild.transformSync(readFileSync(join(dir, 'index.ts'), 'utf8'), {
  loader: 'ts',
  format: 'esm',
  target: `node${process.versions.node}`,
}).code;
writeFileSync(join(dir, 'index.mjs'), javascript);

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}
// Ports for the plain-node arm, picked up front so finding one is not timed.
const ports = [];
for (let i = 0; i < runs + 3; i++) ports.push(await freePort());

const cache = mkdtempSync(join(tmpdir(), 'h2-setup-bench-cache-'));
process.on('exit', () => rmSync(cache, { recursive: true, force: true }));
const reference = (i) => timeOnce(process.execPath, ['index.mjs'], { cwd: dir, env: { ...cleanEnv, PORT: String(ports[i]) } });

for (const [label, cacheDir] of [
  ['warm', cache],
  ['cold', ''],
]) {
  compare({
    name: `h2-setup verify (example 1, TypeScript, ${label}) vs node (same program, JavaScript)`,
    runs,
    goal: 2.2,
    subject: () => timeOnce(process.execPath, [cli, 'verify', dir], { env: { ...cleanEnv, H2_SETUP_CACHE_DIR: cacheDir } }),
    reference,
  });
}
