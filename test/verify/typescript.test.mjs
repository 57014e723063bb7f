// verify runs what tsc compiles and Node then runs, with the same meaning, on every Node line:
// each test is a small project a user could have written, run through the real CLI.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { project, verifyJson } from '../helpers/verify-fixtures.mjs';

function assertPassed({ code, json }) {
  assert.equal(code, 0, `${json.reason}\n${json.stdout}\n${json.stderr}`);
  assert.equal(json.passed, true);
}

const esbuildVersion = JSON.parse(
  await import('node:fs').then(({ readFileSync }) => readFileSync(new URL('../../node_modules/esbuild/package.json', import.meta.url), 'utf8')),
).version;

describe('TypeScript that strip-only mode refuses runs as tsc means it', { concurrency: 2, timeout: 120_000 }, () => {
  test('CommonJS project: enum, namespace, parameter properties, legacy decorator, import = require, export =, __dirname, require.main', async (t) => {
    const result = await verifyJson([project(t, 'ts-commonjs'), '--timeout', '20000']);
    assertPassed(result);
    const { json } = result;
    // The same lines `tsc && node index.js` prints (checked by hand when the fixture was made).
    assert.equal(
      json.stdout,
      [
        '[tutorial] main true true',
        '[tutorial] call start',
        '[tutorial] phase 0 Listening',
        '[tutorial] received hello from beside the module',
        '[tutorial] session is closed (Closed)',
        '',
      ].join('\n'),
    );
    assert.equal(json.typescript.mode, 'esbuild');
    assert.equal(json.typescript.format, 'cjs', 'a package.json without "type" is CommonJS');
    assert.equal(json.typescript.esbuild, esbuildVersion);
    assert.ok(!json.typescript.nodeFlags.includes('--experimental-strip-types'));
    if (process.allowedNodeEnvironmentFlags.has('--experimental-strip-types')) assert.ok(json.typescript.nodeFlags.includes('--no-experimental-strip-types'));
    const files = json.timeline.filter((entry) => entry.type === 'transpiled').map((entry) => entry.file);
    assert.deepEqual(files.sort(), ['index.ts', 'lib/server.ts', 'lib/settings.ts']);
    assert.match(json.summary, /listener \(lib\/server\.ts:39:15\) ran/);
  });

  test('ES module project: import.meta.url, .mts/.cts files named .mjs/.cjs, export = from .cts, enum, parameter properties', async (t) => {
    const result = await verifyJson([project(t, 'ts-esm'), '--timeout', '20000']);
    assertPassed(result);
    assert.equal(
      result.json.stdout,
      ['[info] self true legacy-cts', '[info] received hello from beside the module', '[info] session is closed after 1 request', ''].join('\n'),
    );
    assert.equal(result.json.typescript.format, 'esm');
    const formats = Object.fromEntries(result.json.timeline.filter((entry) => entry.type === 'transpiled').map((entry) => [entry.file, entry.format]));
    assert.deepEqual(formats, { 'index.ts': 'esm', 'lib/legacy.cts': 'cjs', 'lib/report.mts': 'esm', 'lib/counter.ts': 'esm' });
  });

  test('the timeline and the report say what ran the TypeScript', async (t) => {
    const dir = project(t, 'close-callback');
    const { json } = await verifyJson([dir, '--timeout', '20000'], { env: { H2_SETUP_CACHE_DIR: '' } });
    const transpiled = json.timeline.find((entry) => entry.type === 'transpiled');
    assert.deepEqual(
      { file: transpiled.file, cached: transpiled.cached, esbuild: transpiled.esbuild },
      { file: 'index.ts', cached: false, esbuild: esbuildVersion },
    );
  });

  test('a file that does not compile, imported by its .js name: one line naming the file, line and column', async (t) => {
    const dir = project(t, 'ts-esm');
    // Written here, not kept as a fixture, so linters of this repository never parse it.
    writeFileSync(join(dir, 'lib', 'counter.ts'), 'export class Counter {\n  constructor(public count: number) {}\n  add(: void {}\n}\n');
    const { code, json } = await verifyJson([dir, '--timeout', '20000']);
    assert.equal(code, 1);
    assert.equal(json.failure, 'did-not-compile', json.reason);
    assert.match(json.reason, /^did not compile: lib\/counter\.ts:3:7: /);
    assert.equal(json.reason.split('\n').length, 1);
    assert.equal(json.compileError.file, 'lib/counter.ts');
  });

  test("experimentalDecorators off in the project's tsconfig: the decorator means what tsc makes it mean (a standard decorator), not a legacy one", async (t) => {
    const dir = project(t, 'ts-commonjs');
    const tsconfig = join(dir, 'tsconfig.json');
    const { readFileSync } = await import('node:fs');
    writeFileSync(tsconfig, readFileSync(tsconfig, 'utf8').replace('"experimentalDecorators": true,', ''));
    const { json } = await verifyJson([dir, '--timeout', '20000']);
    // A legacy decorator's (target, key, descriptor) called as a standard one gets (method,
    // context): descriptor is undefined, so it throws, as the tsc-compiled program does.
    assert.equal(json.failure, 'threw', json.reason);
    assert.match(json.reason, /TypeError: Cannot read properties of undefined/);
  });
});
