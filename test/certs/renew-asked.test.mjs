// --check and --renew judge what was asked: without --host the hosts the certificate names
// (a default host it lacks is a note), with --host exactly those; --renew remakes a pair whose
// key type, size or purpose differs from the flags, and nothing else.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { isolatedCaEnv } from '../helpers/ca-env.mjs';
import { runCli } from '../helpers/cli.mjs';
import { realClients } from '../helpers/real-clients.mjs';

const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';

async function json(args, env, codes = [0]) {
  const result = await runCli([...args, '--json'], { env, timeoutMs: 90_000 });
  assert.ok(codes.includes(result.code), `${args.join(' ')}: exit ${result.code}\n${result.stderr}`);
  return { code: result.code, doc: JSON.parse(result.stdout) };
}

const certOf = (dir, file = 'public-cert.pem') => new X509Certificate(readFileSync(join(dir, file)));
const mtimeOf = (dir, file = 'public-cert.pem') => statSync(join(dir, file)).mtimeMs;

describe('--check and --renew judge the hosts asked for', { timeout: 5 * 60_000 }, () => {
  test('a pair for app.test alone passes --check (the missing defaults are a note) and --renew leaves it', async (t) => {
    if (!realClients(t, ['openssl'])) return;
    const { root, env } = isolatedCaEnv(t);
    const dir = join(root, 'pair');
    assert.equal((await runCli(['certs', '--host', 'app.test', '--out-dir', dir], { env })).code, 0);

    const checked = await json(['certs', '--check', '--out-dir', dir], env);
    assert.equal(checked.code, 0, JSON.stringify(checked.doc.problems));
    assert.deepEqual(checked.doc.problems, []);
    assert.deepEqual(checked.doc.hosts, ['app.test']);
    assert.equal(checked.doc.notes.length, 1);
    assert.match(checked.doc.notes[0], /does not name localhost, 127\.0\.0\.1, ::1/);
    const text = await runCli(['certs', '--check', '--out-dir', dir], { env, timeoutMs: 90_000 });
    assert.equal(text.code, 0);
    assert.match(text.stdout, /^ {2}note {10}the certificate does not name localhost/m);
    // The outside judge agrees the pair is good for the name it names.
    const openssl = spawnSync('openssl', ['verify', '-CAfile', join(dir, 'public-cert.pem'), '-verify_hostname', 'app.test', join(dir, 'public-cert.pem')], {
      encoding: 'utf8',
    });
    assert.equal(openssl.status, 0, openssl.stderr);

    // With --host: exactly those hosts, so a missing one is a problem again.
    const asked = await json(['certs', '--check', '--out-dir', dir, '--host', 'app.test', '--host', 'localhost'], env, [1]);
    assert.deepEqual(
      asked.doc.problems.map((problem) => problem.code),
      ['host-not-covered'],
    );
    assert.match(asked.doc.problems[0].message, /^localhost is not/);
    assert.deepEqual(asked.doc.notes, []);

    const before = mtimeOf(dir);
    const renewed = await json(['certs', '--renew', '--out-dir', dir], env);
    assert.equal(renewed.doc.action, 'unchanged', JSON.stringify(renewed.doc.reasons));
    assert.equal(mtimeOf(dir), before, 'nothing written');

    // --renew --host other.test: remade for the names it had and the one asked, not the defaults.
    const added = await json(['certs', '--renew', '--out-dir', dir, '--host', 'other.test'], env);
    assert.equal(added.doc.action, 'remade');
    assert.equal(certOf(dir).subjectAltName, 'DNS:app.test, DNS:other.test');
  });
});

describe('--renew remakes a pair whose key or purpose differs from the flags', { timeout: 5 * 60_000 }, () => {
  test('--key-type ecdsa remakes an RSA pair once; --bits 3072 remakes it as RSA-3072; a bare --renew keeps what is there', async (t) => {
    const { root, env } = isolatedCaEnv(t);
    const dir = join(root, 'pair');
    assert.equal((await runCli(['certs', '--out-dir', dir], { env })).code, 0);
    assert.equal(certOf(dir).publicKey.asymmetricKeyType, 'rsa');

    const toEcdsa = await json(['certs', '--renew', '--key-type', 'ecdsa', '--out-dir', dir], env);
    assert.equal(toEcdsa.doc.action, 'remade');
    assert.deepEqual(
      toEcdsa.doc.reasons.map((reason) => reason.code),
      ['key-differs'],
    );
    assert.equal(certOf(dir).publicKey.asymmetricKeyType, 'ec');
    assert.equal(certOf(dir).subjectAltName, 'DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');

    const again = await json(['certs', '--renew', '--key-type', 'ecdsa', '--out-dir', dir], env);
    assert.equal(again.doc.action, 'unchanged', JSON.stringify(again.doc.reasons));
    const bare = await json(['certs', '--renew', '--out-dir', dir], env);
    assert.equal(bare.doc.action, 'unchanged', 'a flag not given asks for nothing');

    const to3072 = await json(['certs', '--renew', '--bits', '3072', '--out-dir', dir], env);
    assert.equal(to3072.doc.action, 'remade');
    assert.equal(certOf(dir).publicKey.asymmetricKeyDetails.modulusLength, 3072);
    const same = await json(['certs', '--renew', '--bits', '3072', '--out-dir', dir], env);
    assert.equal(same.doc.action, 'unchanged');
  });

  test('--client remakes a server pair kept under the client file names as a client certificate, once', async (t) => {
    const { root, env } = isolatedCaEnv(t);
    const dir = join(root, 'pair');
    const made = await runCli(['certs', '--ca', '--key', 'client-key.pem', '--cert', 'client-cert.pem', '--out-dir', dir], { env });
    assert.equal(made.code, 0, made.stderr);
    assert.equal(certOf(dir, 'client-cert.pem').keyUsage.includes(CLIENT_AUTH), false);

    const renewed = await json(['certs', '--renew', '--client', '--out-dir', dir], env);
    assert.equal(renewed.doc.action, 'remade');
    assert.ok(
      renewed.doc.reasons.some((reason) => reason.code === 'purpose-differs'),
      JSON.stringify(renewed.doc.reasons),
    );
    assert.deepEqual(certOf(dir, 'client-cert.pem').keyUsage, [CLIENT_AUTH]);
    const before = mtimeOf(dir, 'client-cert.pem');
    const again = await json(['certs', '--renew', '--client', '--out-dir', dir], env);
    assert.equal(again.doc.action, 'unchanged', JSON.stringify(again.doc.reasons));
    assert.equal(mtimeOf(dir, 'client-cert.pem'), before);
  });
});
