// Every way of signing with the local CA (--ca --host, --client, --csr, --renew, init) is held
// to its name constraints before anything is written, with the one message and fix; a CA made
// before constraints existed still signs, and each signing command says so once on stderr and
// in its JSON. Also: an explicit p12Password option beats H2_SETUP_P12_PASSWORD.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { isolatedCaEnv } from '../helpers/ca-env.mjs';
import { assertOneLineError, repoRoot, runCli, runCommand } from '../helpers/cli.mjs';
import { realClients } from '../helpers/real-clients.mjs';
import { makeUnconstrainedCa } from '../helpers/sign-by-hand.mjs';

/** A certificate request for `name` made by openssl, as someone else would make it. */
function requestFor(dir, name) {
  const csr = join(dir, `${name}.csr`);
  const made = spawnSync(
    'openssl',
    [
      'req',
      '-new',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      join(dir, `${name}.key`),
      '-subj',
      `/CN=${name}`,
      '-addext',
      `subjectAltName=DNS:${name}`,
      '-out',
      csr,
    ],
    { encoding: 'utf8' },
  );
  assert.equal(made.status, 0, made.stderr);
  return csr;
}

describe('signing is held to the CA name constraints', { timeout: 5 * 60_000 }, () => {
  test('--csr, --client and --renew for www.google.com: exit 2 with the message and fix of --ca --host, nothing written', async (t) => {
    if (!realClients(t, ['openssl'])) return;
    const { root, env } = isolatedCaEnv(t);
    assert.equal((await runCli(['certs', '--ca', '--out-dir', join(root, 'first')], { env })).code, 0);
    const reference = await runCli(['certs', '--ca', '--host', 'www.google.com', '--out-dir', join(root, 'ref')], { env });
    assertOneLineError(assert, reference, 2, /^h2-setup: --host www\.google\.com is outside the names the local CA may vouch for/);

    const csr = requestFor(root, 'www.google.com');
    for (const args of [
      ['--csr', csr],
      ['--client', '--host', 'www.google.com'],
      ['--renew', '--ca', '--host', 'www.google.com'],
    ]) {
      const out = join(root, `out-${args[0].slice(2)}`);
      const result = await runCli(['certs', ...args, '--out-dir', out], { env });
      assertOneLineError(assert, result, 2);
      assert.equal(result.stderr, reference.stderr, `certs ${args.join(' ')}: the same message and fix`);
      assert.equal(existsSync(out), false, `certs ${args.join(' ')} wrote nothing`);
    }
    // A request for a permitted name is signed as before.
    const local = await runCli(['certs', '--csr', requestFor(root, 'app.test'), '--out-dir', join(root, 'local')], { env });
    assert.equal(local.code, 0, local.stderr);
  });
});

describe('a CA made before constraints still signs, and says so', { timeout: 5 * 60_000 }, () => {
  test('--ca, --client, --csr, --renew and init: exit 0, one warning line on stderr with the replacing command, caConstraints in the JSON', async (t) => {
    if (!realClients(t, ['openssl'])) return;
    const { root, env } = isolatedCaEnv(t);
    const old = makeUnconstrainedCa();
    mkdirSync(env.H2_SETUP_CAROOT, { recursive: true, mode: 0o700 });
    writeFileSync(join(env.H2_SETUP_CAROOT, 'rootCA-key.pem'), old.caKeyPem, { mode: 0o400 });
    writeFileSync(join(env.H2_SETUP_CAROOT, 'rootCA.pem'), old.caCertPem);
    const warning = new RegExp(
      `^h2-setup: warning: signed with an unconstrained local CA: .*no name constraints.*: .*certs --uninstall-ca && rm -rf ${env.H2_SETUP_CAROOT} && .*certs --install-ca\\n$`,
    );
    const runs = [
      { args: ['certs', '--ca', '--host', 'www.example.com'], cert: 'public-cert.pem', name: 'www.example.com' },
      { args: ['certs', '--client'], cert: 'client-cert.pem' },
      { args: ['certs', '--csr', requestFor(root, 'www.example.org')], cert: 'public-cert.pem', name: 'www.example.org' },
      { args: ['certs', '--renew', '--ca'], cert: 'public-cert.pem', name: 'localhost', renew: true },
    ];
    for (const [index, run] of runs.entries()) {
      const out = join(root, `out-${index}`);
      const result = await runCli([...run.args, '--out-dir', out, '--json'], { env });
      assert.equal(result.code, 0, `${run.args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, warning, `${run.args.join(' ')}: one warning line`);
      const doc = JSON.parse(result.stdout);
      const summary = run.renew ? doc.summary : doc;
      assert.equal(summary.caConstraints.constrained, false, run.args.join(' '));
      assert.match(summary.caConstraints.fix, /--uninstall-ca/);
      // The old CA really signed it: openssl verifies the leaf against it.
      const verified = spawnSync(
        'openssl',
        ['verify', '-CAfile', join(env.H2_SETUP_CAROOT, 'rootCA.pem'), ...(run.name ? ['-verify_hostname', run.name] : []), join(out, run.cert)],
        { encoding: 'utf8' },
      );
      assert.equal(verified.status, 0, `${run.args.join(' ')}: ${verified.stdout}${verified.stderr}`);
    }
    const text = await runCli(['certs', '--ca', '--out-dir', join(root, 'text')], { env });
    assert.equal(text.code, 0);
    assert.equal(text.stderr.split('\n').filter(Boolean).length, 1, `once: ${text.stderr}`);
    assert.match(text.stderr, warning);

    const init = await runCli(['init', join(root, 'demo'), '--ca', '--yes', '--no-verify', '--json'], { env, timeoutMs: 120_000 });
    assert.equal(init.code, 0, init.stderr);
    assert.match(init.stderr, warning);
    assert.equal(JSON.parse(init.stdout).certificates.caConstraints.constrained, false);

    // A constrained CA signs without a word on stderr.
    const { root: newRoot, env: newEnv } = isolatedCaEnv(t);
    const quiet = await runCli(['certs', '--ca', '--out-dir', join(newRoot, 'out'), '--json'], { env: newEnv });
    assert.equal(quiet.code, 0);
    assert.equal(quiet.stderr, '');
    assert.equal(JSON.parse(quiet.stdout).caConstraints.constrained, true);
  });
});

describe('library options beat the environment', { timeout: 2 * 60_000 }, () => {
  test('writeCertificates({ p12Password }) uses that password even when H2_SETUP_P12_PASSWORD is set', async (t) => {
    if (!realClients(t, ['openssl'])) return;
    const { root, env } = isolatedCaEnv(t);
    const out = join(root, 'out');
    // Imported by the package's own name, as a user imports it (the package's exports map).
    const script = `
      import { writeCertificates } from 'h2-setup';
      const result = await writeCertificates({ outDir: ${JSON.stringify(out)}, p12: true, p12Password: 'from the option' });
      console.log(JSON.stringify(result.p12));
    `;
    const run = await runCommand(process.execPath, ['--input-type=module', '-e', script], {
      cwd: repoRoot,
      env: { ...env, H2_SETUP_P12_PASSWORD: 'from the environment' },
    });
    assert.equal(run.code, 0, run.stderr);
    const open = (password) =>
      spawnSync('openssl', ['pkcs12', '-in', join(out, 'bundle.p12'), '-passin', `pass:${password}`, '-noout'], { encoding: 'utf8' }).status;
    assert.equal(open('from the option'), 0, 'the option is the password');
    assert.notEqual(open('from the environment'), 0, 'the environment is not');
    assert.ok(readFileSync(join(out, 'bundle.p12')).length > 0);
  });
});
