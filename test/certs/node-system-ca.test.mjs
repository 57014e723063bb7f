// Node and the local CA without a file path, on each Node line there is: once the CA is in the
// system store the running Node reads (here a private bundle named by SSL_CERT_FILE, never the
// machine's store), `certs --install-ca` and `certs --ca` give `node --use-system-ca` where that
// Node has it, NODE_EXTRA_CA_CERTS where it has not, and the line given is run for real; and
// `certs --ca-path` prints the CA's path for NODE_EXTRA_CA_CERTS=$(...). Also the trust check's
// Node line for an IPv6-only pair on Node 22.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { isolatedCaEnv } from '../helpers/ca-env.mjs';
import { assertOneLineError, cliPath, runCli, runCommand } from '../helpers/cli.mjs';
import { realClients } from '../helpers/real-clients.mjs';
import { envFor } from '../helpers/scaffolded-project.mjs';

/** This Node, and the other Node lines unpacked into .cache (22, 24, 26), each with its version. */
function nodeLines() {
  const cache = fileURLToPath(new URL('../../.cache/', import.meta.url));
  const others = existsSync(cache)
    ? readdirSync(cache)
        .filter((name) => /^node-v\d+\.\d+\.\d+$/.test(name))
        .map((name) => ({ version: name.slice('node-v'.length), node: join(cache, name, 'package', 'bin', 'node') }))
        .filter((line) => existsSync(line.node))
    : [];
  return [{ version: process.versions.node, node: process.execPath }, ...others];
}

const atLeast = (version, major, minor) => {
  const [a, b] = version.split('.').map(Number);
  return a > major || (a === major && b >= minor);
};
/** From the Node changelogs: --use-system-ca reads the Linux store from 22.15; NODE_USE_SYSTEM_CA=1 from 22.19 and 24.6. */
const hasFlag = (version) => atLeast(version, 22, 15);
const hasVariable = (version) => (version.startsWith('22.') ? atLeast(version, 22, 19) : atLeast(version, 24, 6));

/** Without NODE_EXTRA_CA_CERTS (the machine may set it), with SSL_CERT_FILE as given. */
function cleanEnv(env, extra = {}) {
  return { ...env, NODE_EXTRA_CA_CERTS: undefined, NODE_USE_SYSTEM_CA: undefined, NODE_OPTIONS: undefined, SSL_CERT_DIR: undefined, ...extra };
}

/** An HTTPS server with the pair; the client script, run by a `node` command line, prints whether it trusted it. */
async function serve(t, dir) {
  const server = createServer({ key: readFileSync(join(dir, 'private-key.pem')), cert: readFileSync(join(dir, 'public-cert.pem')) }, (_req, res) =>
    res.end('ok'),
  );
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  const client = join(dir, 'your-client.js');
  writeFileSync(
    client,
    `const tls = require('node:tls');
const socket = tls.connect({ host: '127.0.0.1', port: ${server.address().port}, servername: 'localhost' }, () => { console.log('trusted'); socket.destroy(); });
socket.on('error', (error) => { console.log('refused ' + error.code); });`,
  );
  return client;
}

/** Runs a printed command line (`node ...` or `VAR=... node ...`) with `node` being that Node line, in `dir`. */
function runLine(line, node, dir, env) {
  return runCommand('sh', ['-c', line], { cwd: dir, env: envFor(node, env), timeoutMs: 60_000 });
}

describe('Node trusts the local CA from the system store where it can', { timeout: 10 * 60_000 }, () => {
  for (const { version, node } of nodeLines()) {
    test(`Node ${version}: --install-ca and --ca give the shortest line that works, and it does`, async (t) => {
      if (!realClients(t, ['openssl'])) return;
      const { root, env } = isolatedCaEnv(t);
      const dir = join(root, 'pair');
      const h2setup = (args, extra = {}) => runCommand(node, [cliPath, ...args], { env: cleanEnv(env, extra), timeoutMs: 90_000 });
      const made = await h2setup(['certs', '--ca', '--out-dir', dir, '--json']);
      assert.equal(made.code, 0, made.stderr);
      // Before the CA is in any store Node reads: NODE_EXTRA_CA_CERTS, on every line.
      assert.equal(JSON.parse(made.stdout).trust.shortest, `NODE_EXTRA_CA_CERTS=${join(dir, 'ca-cert.pem')} node your-client.js`);

      // The "system store" of this test: a bundle holding the CA, as update-ca-certificates makes one.
      const bundle = join(root, 'system-bundle.pem');
      writeFileSync(bundle, readFileSync(join(env.H2_SETUP_CAROOT, 'rootCA.pem')));
      const store = { SSL_CERT_FILE: bundle };
      const installed = await h2setup(['certs', '--install-ca', '--json'], store);
      assert.equal(installed.code, 0, installed.stderr);
      const doc = JSON.parse(installed.stdout);
      const systemCa = doc.trust.find((verdict) => verdict.client === 'node-system-ca');
      const again = JSON.parse((await h2setup(['certs', '--ca', '--force', '--out-dir', dir, '--json'], store)).stdout);
      const client = await serve(t, dir);

      if (hasFlag(version)) {
        assert.equal(doc.node.command, 'node --use-system-ca your-client.js');
        assert.match(doc.node.worksFrom, /^Node 22\.15 and later/);
        assert.equal(systemCa.trusted, true, systemCa.detail);
        assert.equal(doc.trust.find((verdict) => verdict.client === 'node').fix, 'node --use-system-ca (Node 22.15 and later)');
        assert.equal(again.trust.shortest, 'node --use-system-ca your-client.js');
        const text = await h2setup(['certs', '--install-ca'], store);
        assert.match(
          text.stdout,
          new RegExp(`Node v${version.replaceAll('.', '\\.')} reads the CA from the system store.*\\n {2}node --use-system-ca your-client\\.js`),
        );
      } else {
        assert.equal(doc.node.command, `NODE_EXTRA_CA_CERTS=${join(env.H2_SETUP_CAROOT, 'rootCA.pem')} node your-client.js`);
        assert.equal(doc.node.worksFrom, 'every Node line');
        assert.equal(systemCa.trusted, null, 'this Node cannot be asked with --use-system-ca');
        assert.equal(again.trust.shortest, `NODE_EXTRA_CA_CERTS=${join(dir, 'ca-cert.pem')} node your-client.js`);
        const text = await h2setup(['certs', '--install-ca'], store);
        assert.match(text.stdout, /cannot read the system store; Node 22\.15 and later can/);
      }
      // The line given works, as printed, on this Node line with this store.
      const given = await runLine(doc.node.command, node, dir, cleanEnv(env, store));
      assert.equal(given.stdout.trim(), 'trusted', `${doc.node.command} on Node ${version}: ${given.stdout}${given.stderr}`);
      // The control: plain node, the same store, refuses; and NODE_USE_SYSTEM_CA=1 alone trusts it where it exists.
      assert.match((await runLine('node your-client.js', node, dir, cleanEnv(env, store))).stdout, /^refused/);
      if (hasVariable(version)) {
        const variable = await runLine('NODE_USE_SYSTEM_CA=1 node your-client.js', node, dir, cleanEnv(env, store));
        assert.equal(variable.stdout.trim(), 'trusted', variable.stderr);
      }
      assert.ok(client);
    });
  }
});

describe('certs --ca-path', { timeout: 3 * 60_000 }, () => {
  test('no CA yet: exit 2, nothing on stdout, nothing made; then the path alone, which NODE_EXTRA_CA_CERTS=$(...) uses', async (t) => {
    const { root, env } = isolatedCaEnv(t);
    const none = await runCli(['certs', '--ca-path'], { env });
    assertOneLineError(assert, none, 2, /no local CA yet in /);
    assert.equal(none.stdout, '');
    assert.equal(existsSync(env.H2_SETUP_CAROOT), false, 'asking made no CA');
    for (const other of [['--check'], ['--install-ca'], ['--host', 'app.test'], ['--ca']]) {
      assertOneLineError(assert, await runCli(['certs', '--ca-path', ...other], { env }), 2, /'--ca-path' cannot be used with/);
    }

    const dir = join(root, 'pair');
    assert.equal((await runCli(['certs', '--ca', '--out-dir', dir], { env })).code, 0);
    const printed = await runCli(['certs', '--ca-path'], { env });
    assert.equal(printed.code, 0, printed.stderr);
    assert.equal(printed.stdout, `${join(env.H2_SETUP_CAROOT, 'rootCA.pem')}\n`);
    assert.equal(printed.stderr, '');
    assert.deepEqual(JSON.parse((await runCli(['certs', '--ca-path', '--json'], { env })).stdout), { caCertPath: join(env.H2_SETUP_CAROOT, 'rootCA.pem') });

    // The documented use, through a shell, and Node's TLS as the judge.
    const client = await serve(t, dir);
    const line = `NODE_EXTRA_CA_CERTS=$("${process.execPath}" "${cliPath}" certs --ca-path) node ${client}`;
    const used = await runLine(line, process.execPath, dir, cleanEnv(env));
    assert.equal(used.stdout.trim(), 'trusted', used.stderr);
  });
});

describe('the trust check, an IPv6-only pair', { timeout: 3 * 60_000 }, () => {
  for (const { version, node } of nodeLines()) {
    test(`Node ${version}: a pair for ::1 alone, trusted through NODE_EXTRA_CA_CERTS, is reported trusted`, async (t) => {
      const { root, env } = isolatedCaEnv(t);
      const dir = join(root, 'pair');
      assert.equal((await runCli(['certs', '--host', '::1', '--out-dir', dir], { env })).code, 0);
      const checked = await runCommand(node, [cliPath, 'certs', '--check', '--out-dir', dir, '--json'], {
        env: cleanEnv(env, { NODE_EXTRA_CA_CERTS: join(dir, 'public-cert.pem') }),
        timeoutMs: 90_000,
      });
      assert.equal(checked.code, 0, checked.stderr);
      const verdict = JSON.parse(checked.stdout).trust.find((entry) => entry.client === 'node');
      assert.equal(verdict.trusted, true, verdict.detail);
    });
  }
});
