// checkTrust: each client family answers for itself (Node by a real handshake, openssl
// verify, NSS's certutil on a copy of each database), in a temporary HOME. A
// self-signed pair is trusted by none; a CA-signed pair is trusted by exactly the
// clients that were told about the CA (NSS after certutil -A, Node with
// NODE_EXTRA_CA_CERTS, OpenSSL with SSL_CERT_FILE), and the user's databases are not changed.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { checkTrust } from '../../dist/certs/trust/index.js';
import { isolatedCaEnv } from '../helpers/ca-env.mjs';
import { runCli } from '../helpers/cli.mjs';
import { newNssDb } from '../helpers/nss.mjs';
import { aliveWhenAnswered } from '../helpers/process-tree.mjs';
import { realClients } from '../helpers/real-clients.mjs';
import { NODE26 } from '../helpers/scaffolded-project.mjs';
import { signLeafByHand } from '../helpers/sign-by-hand.mjs';

// A Node with --use-system-ca, for the node-system-ca line (the machine's Node 20 has none).
const NEWER_NODE = process.env.H2_SETUP_TEST_NEWER_NODE ?? NODE26;
const hasNewerNode = existsSync(NEWER_NODE) && spawnSync(NEWER_NODE, ['--use-system-ca', '-e', '0']).status === 0;

/** An environment with only the temporary HOME's stores: NODE_EXTRA_CA_CERTS unset. */
function cleanEnv(env, extra = {}) {
  const result = { ...process.env, ...env, ...extra };
  if (!('NODE_EXTRA_CA_CERTS' in extra)) delete result.NODE_EXTRA_CA_CERTS;
  return result;
}

function fingerprint(dir) {
  const hash = createHash('sha256');
  for (const file of readdirSync(dir).sort()) hash.update(file).update(readFileSync(join(dir, file)));
  return hash.digest('hex');
}

async function pair(root, name, env, args) {
  const dir = join(root, name);
  const made = await runCli(['certs', ...args, '--out-dir', dir], { env });
  assert.equal(made.code, 0, made.stderr);
  return { certPem: readFileSync(join(dir, 'public-cert.pem'), 'utf8'), keyPem: readFileSync(join(dir, 'private-key.pem'), 'utf8') };
}

const byClient = (verdicts, client) => verdicts.filter((verdict) => verdict.client === client);
const one = (verdicts, client) => {
  const found = byClient(verdicts, client);
  assert.equal(found.length, 1, `one ${client} line: ${JSON.stringify(verdicts, null, 1)}`);
  return found[0];
};

describe('checkTrust: who trusts the pair', { timeout: 5 * 60_000 }, () => {
  test('a self-signed pair is trusted by nobody, and each says how to fix it', async (t) => {
    if (!realClients(t, ['certutil', 'openssl'])) return;
    const { root, home, env } = isolatedCaEnv(t);
    newNssDb(join(home, '.pki', 'nssdb'));
    const selfSigned = await pair(root, 'self', env, []);
    const verdicts = await checkTrust(selfSigned.certPem, selfSigned.keyPem, undefined, { env: cleanEnv(env) });
    t.diagnostic(JSON.stringify(verdicts));
    assert.deepEqual(
      verdicts.map((verdict) => verdict.client),
      ['node', 'node-system-ca', 'openssl', 'nss'],
    );
    const node = one(verdicts, 'node');
    assert.equal(node.trusted, false);
    assert.match(node.detail, /NODE_EXTRA_CA_CERTS unset.*DEPTH_ZERO_SELF_SIGNED_CERT/);
    assert.equal(node.fix, 'h2-setup certs --ca --force');
    const systemCa = one(verdicts, 'node-system-ca');
    if (process.allowedNodeEnvironmentFlags.has('--use-system-ca')) assert.equal(systemCa.trusted, false);
    else
      assert.deepEqual(systemCa, {
        client: 'node-system-ca',
        trusted: null,
        detail: `this Node (${process.execPath}) has no --use-system-ca (it came in Node 22.15)`,
      });
    assert.equal(one(verdicts, 'openssl').trusted, false);
    assert.match(one(verdicts, 'openssl').detail, /self-signed certificate/);
    const nss = one(verdicts, 'nss');
    assert.equal(nss.trusted, false);
    assert.match(nss.detail, new RegExp(`${join(home, '.pki', 'nssdb')}: certutil says`));
    assert.equal(nss.fix, 'h2-setup certs --ca --force');
  });

  test('a CA-signed pair is trusted by exactly the clients told about the CA', async (t) => {
    if (!realClients(t, ['certutil', 'openssl'])) return;
    const { root, home, env } = isolatedCaEnv(t);
    const shared = join(home, '.pki', 'nssdb');
    const firefox = join(home, '.mozilla', 'firefox', 'abcd1234.default-release');
    newNssDb(shared);
    newNssDb(firefox);
    const signed = await pair(root, 'signed', env, ['--ca']);
    const caCertPath = join(env.H2_SETUP_CAROOT, 'rootCA.pem');
    const caPem = readFileSync(caCertPath, 'utf8');
    const options = { caCertPath, caDirectory: env.H2_SETUP_CAROOT };

    const before = await checkTrust(signed.certPem, signed.keyPem, caPem, { ...options, env: cleanEnv(env) });
    t.diagnostic(JSON.stringify(before));
    assert.deepEqual(
      byClient(before, 'nss').map((verdict) => verdict.trusted),
      [false, false],
    );
    for (const verdict of byClient(before, 'nss')) assert.equal(verdict.fix, 'h2-setup certs --install-ca');
    assert.equal(one(before, 'node').trusted, false);
    assert.match(one(before, 'node').detail, /UNABLE_TO_VERIFY_LEAF_SIGNATURE/);
    assert.equal(one(before, 'node').fix, `NODE_EXTRA_CA_CERTS=${caCertPath}`);
    assert.equal(one(before, 'openssl').fix, 'h2-setup certs --install-ca');

    // Tell NSS (the shared database only), Node and OpenSSL about the CA.
    const added = spawnSync('certutil', ['-d', `sql:${shared}`, '-A', '-t', 'C,,', '-n', 'test CA', '-i', caCertPath], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(added.status, 0, added.stderr);
    const prints = [fingerprint(shared), fingerprint(firefox)];
    const after = await checkTrust(signed.certPem, signed.keyPem, caPem, {
      ...options,
      env: cleanEnv(env, { NODE_EXTRA_CA_CERTS: caCertPath, SSL_CERT_FILE: caCertPath }),
    });
    t.diagnostic(JSON.stringify(after));
    const nss = byClient(after, 'nss');
    assert.deepEqual(
      nss.map((verdict) => [verdict.detail.split(':')[0], verdict.trusted]),
      [
        [`NSS database ${shared}`, true],
        [`NSS database ${firefox}`, false],
      ],
    );
    assert.equal(one(after, 'node').trusted, true);
    assert.match(one(after, 'node').detail, /with NODE_EXTRA_CA_CERTS=.*accepted it for localhost/);
    assert.equal(one(after, 'openssl').trusted, true, one(after, 'openssl').detail);
    assert.deepEqual([fingerprint(shared), fingerprint(firefox)], prints, 'the NSS databases were not changed');
    const listed = spawnSync('certutil', ['-d', `sql:${shared}`, '-L'], { encoding: 'utf8' }).stdout;
    assert.doesNotMatch(listed, /h2-setup trust check leaf/);
  });

  test('node-system-ca asks a Node that has --use-system-ca, without NODE_EXTRA_CA_CERTS', {
    skip: !hasNewerNode && `no Node with --use-system-ca at ${NEWER_NODE} (set H2_SETUP_TEST_NEWER_NODE)`,
  }, async (t) => {
    const { root, env } = isolatedCaEnv(t);
    const signed = await pair(root, 'signed', env, ['--ca']);
    const caCertPath = join(env.H2_SETUP_CAROOT, 'rootCA.pem');
    const caPem = readFileSync(caCertPath, 'utf8');
    const ask = (extra) => checkTrust(signed.certPem, signed.keyPem, caPem, { caCertPath, nodePath: NEWER_NODE, env: cleanEnv(env, extra) });
    const extraOnly = await ask({ NODE_EXTRA_CA_CERTS: caCertPath });
    assert.equal(one(extraOnly, 'node').trusted, true);
    assert.equal(one(extraOnly, 'node-system-ca').trusted, false, 'NODE_EXTRA_CA_CERTS is left out of the system-store line');
    assert.equal(one(extraOnly, 'node-system-ca').fix, 'h2-setup certs --install-ca');
    // The system store as OpenSSL defines it, pointed at the CA.
    const systemOnly = await ask({ SSL_CERT_FILE: caCertPath, SSL_CERT_DIR: join(root, 'no-such-dir') });
    t.diagnostic(JSON.stringify(systemOnly));
    assert.equal(one(systemOnly, 'node-system-ca').trusted, true, one(systemOnly, 'node-system-ca').detail);
    assert.equal(one(systemOnly, 'node').trusted, false);
    assert.equal(one(systemOnly, 'node').fix, 'node --use-system-ca (Node 22.15 and later)');
  });

  test('a public name signed with the constrained CA is refused everywhere, and the fix is a new CA', async (t) => {
    if (!realClients(t, ['certutil', 'openssl'])) return;
    const { root, home, env } = isolatedCaEnv(t);
    const shared = join(home, '.pki', 'nssdb');
    newNssDb(shared);
    await pair(root, 'signed', env, ['--ca']);
    const caCertPath = join(env.H2_SETUP_CAROOT, 'rootCA.pem');
    const caPem = readFileSync(caCertPath, 'utf8');
    spawnSync('certutil', ['-d', `sql:${shared}`, '-A', '-t', 'C,,', '-n', 'test CA', '-i', caCertPath], { timeout: 30_000 });
    const leaf = signLeafByHand({ caCertPem: caPem, caKeyPem: readFileSync(join(env.H2_SETUP_CAROOT, 'rootCA-key.pem'), 'utf8'), dns: ['www.example.org'] });
    const verdicts = await checkTrust(leaf.certPem, leaf.keyPem, caPem, {
      caCertPath,
      caDirectory: env.H2_SETUP_CAROOT,
      env: cleanEnv(env, { NODE_EXTRA_CA_CERTS: caCertPath, SSL_CERT_FILE: caCertPath }),
    });
    t.diagnostic(JSON.stringify(verdicts));
    const asked = verdicts.filter((verdict) => verdict.trusted !== null);
    assert.ok(asked.length >= 2);
    for (const verdict of asked) {
      assert.equal(verdict.trusted, false, `${verdict.client}: ${verdict.detail}`);
      assert.equal(
        verdict.fix,
        `h2-setup certs --uninstall-ca && rm -rf ${env.H2_SETUP_CAROOT} && H2_SETUP_CA_PERMIT=www.example.org h2-setup certs --install-ca`,
      );
    }
    assert.match(one(verdicts, 'nss').detail, /not permitted to issue a certificate with this name/);
    assert.match(one(verdicts, 'openssl').detail, /permitted subtree violation/);
    assert.match(one(verdicts, 'node').detail, /refused it \(UNSPECIFIED: a name outside the CA's name constraints\)|PERMITTED_SUBTREE_VIOLATION/);
  });

  test('a client that cannot be asked is null with the reason; a hung one is killed at the bound', async (t) => {
    const { root, home, env } = isolatedCaEnv(t);
    mkdirSync(join(home, '.pki', 'nssdb'), { recursive: true });
    writeFileSync(join(home, '.pki', 'nssdb', 'cert9.db'), '');
    const selfSigned = await pair(root, 'self', env, []);
    // A "node" that never answers, and a PATH with neither openssl nor certutil.
    // The script's name and its sleep's duration are unique, so both processes can be
    // looked for afterwards: the sleep is a grandchild, gone only if the whole group was killed.
    // The hung client holds 1 GiB it has written to, so dying takes it a while (the kernel
    // unmaps every page): an answer sent as soon as the SIGKILL is would find it still there.
    const marker = `h2-setup-hung-node-${process.pid}-${Date.now()}`;
    const sleepFor = `600.${process.pid}${Date.now() % 100_000}`;
    const hung = join(root, marker);
    const holdMemory = 'const held = Buffer.alloc(2 ** 30, 1); setInterval(() => held, 60_000)';
    writeFileSync(hung, `#!/bin/sh\n/bin/sleep ${sleepFor} &\nexec ${JSON.stringify(process.execPath)} -e ${JSON.stringify(holdMemory)} ${marker}\n`);
    chmodSync(hung, 0o755);
    const {
      result: verdicts,
      seen,
      alive,
    } = await aliveWhenAnswered([marker, sleepFor], () =>
      checkTrust(selfSigned.certPem, selfSigned.keyPem, undefined, {
        env: cleanEnv(env, { PATH: join(root, 'empty-path') }),
        nodePath: hung,
        timeoutMs: 1_500,
      }),
    );
    t.diagnostic(JSON.stringify(verdicts));
    for (const client of ['node', 'node-system-ca']) {
      assert.equal(one(verdicts, client).trusted, null);
      assert.match(one(verdicts, client).detail, /did not answer within 1500 ms \(killed\)/);
    }
    assert.deepEqual(one(verdicts, 'openssl'), { client: 'openssl', trusted: null, detail: 'openssl is not on PATH' });
    assert.equal(one(verdicts, 'nss').trusted, null);
    assert.match(one(verdicts, 'nss').detail, /^certutil is not on PATH, so NSS \(.*\.pki\/nssdb\) cannot be asked/);
    assert.ok(seen.length > 0, 'the hung clients were seen running');
    // "killed" is said once they are gone: not one of them may still be alive when checkTrust answers.
    assert.deepEqual(alive, [], 'the hung clients and what they started were gone when checkTrust answered');
  });
});
