// h2-setup as a library, the way a user gets it: the packed tarball installed into a fresh
// project, imported from there by name, and type-checked by a strict TypeScript consumer
// against the package's own .d.ts files. Nothing here imports from src/ or dist/.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { repoRoot, runCli, runCommand, tempDir } from '../helpers/cli.mjs';
import { sandbox } from '../helpers/sandbox.mjs';
import { snapshot } from '../helpers/snapshot.mjs';

const rootPackage = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
const pinned = (name) => `${name}@${rootPackage.devDependencies[name]}`;

let project;
let cleanup = () => {};

/** Runs an ES module in the consumer project; resolves with its one JSON line. */
async function runInConsumer(source, { env = {}, timeoutMs = 60_000 } = {}) {
  const file = join(project, `script-${Math.random().toString(36).slice(2)}.mjs`);
  writeFileSync(file, source);
  const run = await runCommand(process.execPath, [file], { cwd: project, env, timeoutMs });
  assert.equal(run.code, 0, `consumer script failed\nstdout: ${run.stdout}\nstderr: ${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').at(-1));
}

describe('the packed library, installed into a fresh project', { timeout: 600_000 }, () => {
  before(async () => {
    const dirs = [];
    project = tempDir({ after: (fn) => dirs.push(fn) });
    cleanup = () => {
      for (const fn of dirs) fn();
    };
    const packDir = tempDir({ after: (fn) => dirs.push(fn) }, 'h2-setup-pack-');
    // --ignore-scripts: `npm test` has built dist/ already, and `prepare` would rebuild it in place
    // while the other test files load it (tsc truncates and rewrites each file: a module loaded at
    // that moment lacks its exports, which CI saw as 'does not provide an export named ...').
    const packed = await runCommand('npm', ['pack', '--silent', '--ignore-scripts', '--pack-destination', packDir], { cwd: repoRoot, timeoutMs: 120_000 });
    assert.equal(packed.code, 0, packed.stderr);
    const tarball = join(
      packDir,
      readdirSync(packDir).find((name) => name.endsWith('.tgz')),
    );
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    const installed = await runCommand(
      'npm',
      ['install', '--no-audit', '--no-fund', '--loglevel=error', tarball, pinned('typescript'), pinned('@types/node')],
      { cwd: project, timeoutMs: 300_000 },
    );
    assert.equal(installed.code, 0, installed.stderr);
  });
  after(() => cleanup());

  test('createCertificate() serves a real http2 TLS server to a client that trusts it, writing nothing', async () => {
    const before = snapshot(project, { skip: (name) => name === 'node_modules' || name.startsWith('script-') });
    const results = await runInConsumer(`
      import http2 from 'node:http2';
      import { createCertificate } from 'h2-setup';
      const seen = [];
      for (const keyType of ['rsa', 'ecdsa']) {
        const { key, cert, ca } = await createCertificate({ keyType, hosts: ['localhost', '127.0.0.1'] });
        const server = http2.createSecureServer({ key, cert }, (req, res) => res.end('hello ' + keyType));
        await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
        // Connects to the address but checks the certificate for the name 'localhost'.
        const client = http2.connect('https://127.0.0.1:' + server.address().port, { ca: cert, servername: 'localhost' });
        const body = await new Promise((resolve, reject) => {
          const req = client.request({ ':path': '/' });
          let data = '';
          req.setEncoding('utf8').on('data', (c) => (data += c)).on('end', () => resolve(data)).on('error', reject);
          client.on('error', reject);
        });
        client.close();
        server.close();
        seen.push({ keyType, body, noCa: ca === undefined, keyIsPem: key.startsWith('-----BEGIN PRIVATE KEY-----'), cert });
      }
      console.log(JSON.stringify(seen));
    `);
    assert.deepEqual(
      results.map((result) => result.body),
      ['hello rsa', 'hello ecdsa'],
    );
    for (const result of results) {
      assert.equal(result.noCa, true, 'a CA came back without ca: true');
      assert.ok(result.keyIsPem);
    }
    const [rsa, ecdsa] = results.map((result) => new X509Certificate(result.cert));
    assert.equal(rsa.publicKey.asymmetricKeyDetails.modulusLength, 2048);
    assert.equal(ecdsa.publicKey.asymmetricKeyDetails.namedCurve, 'prime256v1');
    assert.ok(ecdsa.checkHost('localhost'));
    assert.deepEqual(snapshot(project, { skip: (name) => name === 'node_modules' || name.startsWith('script-') }), before, 'createCertificate wrote a file');
    const caRoot = sandbox.env.H2_SETUP_CAROOT;
    assert.ok(!existsSync(caRoot) || readdirSync(caRoot).length === 0, 'createCertificate without ca: true touched the CA root');
  });

  test('writeCertificates, checkCertificates, verify and init return the documents the CLI prints with --json', async () => {
    const work = join(project, 'work');
    mkdirSync(work);
    const documents = await runInConsumer(`
      import { writeCertificates, checkCertificates, init, verify } from 'h2-setup';
      const written = await writeCertificates({ outDir: 'work/lib-pair', hosts: ['localhost'], days: 90 });
      const checked = await checkCertificates({ outDir: 'work/lib-pair', hosts: ['localhost'] });
      const made = await init({ dir: 'work/lib-demo', template: 'example-2', tls: true, yes: true });
      const verified = await verify('work/lib-demo', { timeout: 20000 });
      console.log(JSON.stringify({ written, checked, made, verified }));
    `);
    assert.equal(statSync(join(work, 'lib-pair', 'private-key.pem')).mode & 0o777, 0o600);
    assert.equal(documents.written.days, 90);
    assert.equal(documents.checked.ok, true, JSON.stringify(documents.checked.problems));
    assert.equal(documents.made.verify.passed, true, JSON.stringify(documents.made.verify));
    assert.equal(documents.verified.passed, true, documents.verified.reason);
    assert.equal(documents.verified.timeoutMs, 20000, 'verify(dir, { timeout }) is the --timeout in ms');

    // The CLI's --json documents have exactly the same fields.
    const cliWritten = await runCli(['certs', '--out-dir', join(work, 'cli-pair'), '--host', 'localhost', '--days', '90', '--json']);
    assert.equal(cliWritten.code, 0, cliWritten.stderr);
    assert.deepEqual(Object.keys(JSON.parse(cliWritten.stdout)).sort(), Object.keys(documents.written).sort());
    const cliChecked = await runCli(['certs', '--check', '--out-dir', join(work, 'cli-pair'), '--host', 'localhost', '--json']);
    assert.deepEqual(Object.keys(JSON.parse(cliChecked.stdout)).sort(), Object.keys(documents.checked).sort());
    const cliVerified = await runCli(['verify', join(work, 'lib-demo'), '--json'], { timeoutMs: 60_000 });
    assert.deepEqual(Object.keys(JSON.parse(cliVerified.stdout)).sort(), Object.keys(documents.verified).sort());
    const cliMade = await runCli(['init', join(work, 'cli-demo'), '--template', 'example-2', '--tls', '--yes', '--json'], { timeoutMs: 120_000 });
    assert.deepEqual(Object.keys(JSON.parse(cliMade.stdout)).sort(), Object.keys(documents.made).sort());
  });

  test('a bad option throws H2SetupError with a stable code and the exit code the CLI uses, and writes nothing', async () => {
    const result = await runInConsumer(`
      import { H2SetupError, writeCertificates, createCertificate } from 'h2-setup';
      const seen = [];
      for (const attempt of [() => writeCertificates({ outDir: 'bad-days', days: 0 }), () => createCertificate({ keyType: 'dsa' }), () => createCertificate({ keyType: 'ecdsa', bits: 4096 })]) {
        try {
          await attempt();
          seen.push(null);
        } catch (error) {
          seen.push({ isH2SetupError: error instanceof H2SetupError, code: error.code, exitCode: error.exitCode, message: error.message });
        }
      }
      console.log(JSON.stringify(seen));
    `);
    for (const error of result) {
      assert.ok(error, 'a bad option did not throw');
      assert.equal(error.isH2SetupError, true);
      assert.equal(error.exitCode, 2);
      assert.equal(typeof error.code, 'string');
      assert.ok(error.code.length > 0);
    }
    assert.equal(existsSync(join(project, 'bad-days')), false, 'a refused option wrote a directory');
    // The same message as the flag.
    const cli = await runCli(['certs', '--out-dir', join(project, 'bad-days'), '--days', '0']);
    assert.equal(cli.code, 2);
    assert.ok(cli.stderr.includes(result[0].message), `CLI: ${cli.stderr}\nlibrary: ${result[0].message}`);
  });

  test("a strict TypeScript consumer type-checks against the package's own types", async () => {
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { strict: true, module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', noEmit: true, types: ['node'] },
        files: ['consumer.ts'],
      }),
    );
    writeFileSync(
      join(project, 'consumer.ts'),
      `import { createCertificate, verify, H2SetupError, type CreatedCertificate, type VerifyResult, type CheckResult, checkCertificates } from 'h2-setup';
const pair: CreatedCertificate = await createCertificate({ hosts: ['localhost'], keyType: 'ecdsa', days: 30 });
const key: string = pair.key;
const result: VerifyResult = await verify('.', { timeout: 1000 });
const passed: boolean = result.passed;
const checked: CheckResult = await checkCertificates({ outDir: '.' });
const ok: boolean = checked.ok;
// @ts-expect-error days is a number, not a string
await createCertificate({ days: '30' });
// @ts-expect-error there is no RSA-1024
await createCertificate({ bits: 1024 });
// @ts-expect-error keyType is rsa or ecdsa
await createCertificate({ keyType: 'dsa' });
const error = new Error('x');
if (error instanceof H2SetupError) {
  const code: string = error.code;
  const exitCode: number = error.exitCode;
  void code;
  void exitCode;
}
void key;
void passed;
void ok;
`,
    );
    const tsc = await runCommand(join(project, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json'], { cwd: project, timeoutMs: 120_000 });
    assert.equal(tsc.code, 0, `tsc refused the consumer:\n${tsc.stdout}${tsc.stderr}`);
  });
});
