// Name constraints and the trust report wired into `h2-setup certs`: a --ca host outside the CA's name constraints is
// refused before anything is written; an old unconstrained CA keeps working and is
// reported; --check and --install-ca say which clients trust the pair, and that matches
// what the real clients (Node's TLS, openssl verify, certutil, headless Chromium) do.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { connect } from 'node:tls';
import { isolatedCaEnv } from '../helpers/ca-env.mjs';
import { dumpDom } from '../helpers/chromium.mjs';
import { assertOneLineError, runCli, tempDir } from '../helpers/cli.mjs';
import { newNssDb } from '../helpers/nss.mjs';
import { realClients } from '../helpers/real-clients.mjs';
import { makeUnconstrainedCa } from '../helpers/sign-by-hand.mjs';

// Node as the user starts it in these tests: no NODE_EXTRA_CA_CERTS of the machine's.
const NO_EXTRA = { NODE_EXTRA_CA_CERTS: '' };

async function json(args, env) {
  const result = await runCli([...args, '--json'], { env, timeoutMs: 90_000 });
  assert.ok(result.code === 0 || result.code === 1, `${args.join(' ')}: exit ${result.code}\n${result.stderr}`);
  return { code: result.code, doc: JSON.parse(result.stdout) };
}

const verdictOf = (trust, client) => {
  const found = trust.filter((verdict) => verdict.client === client);
  assert.equal(found.length, 1, `one ${client} line in ${JSON.stringify(trust)}`);
  return found[0];
};

/** Real judge: does Node's TLS client, with its default roots (no NODE_EXTRA_CA_CERTS), accept the pair for localhost? */
async function nodeAccepts(pair) {
  const server = https.createServer({ key: pair.keyPem, cert: pair.certPem }, (_request, response) => response.end('ok'));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    return await new Promise((resolve) => {
      const socket = connect({ host: '127.0.0.1', port: server.address().port, servername: 'localhost' }, () => {
        socket.end();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
      socket.setTimeout(20_000, () => socket.destroy(new Error('timeout')));
    });
  } finally {
    server.closeAllConnections?.();
    await new Promise((resolve) => server.close(resolve));
  }
}

/** Real judge: openssl verify against OpenSSL's default (system) store only. */
function opensslAccepts(openssl, certPath) {
  const run = spawnSync(openssl, ['verify', '-purpose', 'sslserver', '-verify_hostname', 'localhost', certPath], { encoding: 'utf8', timeout: 30_000 });
  return run.status === 0;
}

/** Real judge: certutil's own verification, on a copy of the database with the leaf added. */
function certutilAccepts(certutil, root, nssDb, certPath) {
  const copy = join(root, `nss-copy-${randomUUID()}`);
  cpSync(nssDb, copy, { recursive: true });
  const added = spawnSync(certutil, ['-d', `sql:${copy}`, '-A', '-n', 'leaf', '-t', ',,', '-i', certPath], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(added.status, 0, added.stderr);
  const verified = spawnSync(certutil, ['-d', `sql:${copy}`, '-V', '-u', 'V', '-n', 'leaf'], { encoding: 'utf8', timeout: 30_000 });
  return verified.status === 0 && /certificate is valid/.test(verified.stdout);
}

/** Real judge: headless Chromium (HOME's NSS database) loads the page over TLS. */
async function chromiumAccepts(t, chromium, pair, home) {
  const marker = `h2-setup-trust-${randomUUID()}`;
  const server = https.createServer({ key: pair.keyPem, cert: pair.certPem }, (_request, response) => {
    response.setHeader('content-type', 'text/html');
    response.end(`<!doctype html><p>${marker}</p>`);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const run = await dumpDom(chromium, `https://localhost:${server.address().port}/`, {
      home,
      userDataDir: tempDir(t, 'h2-setup-trust-chromium-'),
      timeoutMs: 60_000,
    });
    assert.equal(run.timedOut, false, 'chromium finished in time');
    assert.deepEqual(run.leftovers, [], 'no chromium process left behind');
    return run.dom.includes(marker);
  } finally {
    server.closeAllConnections?.();
    await new Promise((resolve) => server.close(resolve));
  }
}

describe('certs: name constraints at the command line', { timeout: 3 * 60_000 }, () => {
  test('--ca --host outside the constraints: exit 2, which name, how to make a CA that permits it, nothing written', async (t) => {
    const { root, env } = isolatedCaEnv(t);
    const out = join(root, 'out');
    const refused = await runCli(['certs', '--ca', '--host', 'localhost', '--host', 'www.google.com', '--out-dir', out], { env });
    assertOneLineError(assert, refused, 2, /--host www\.google\.com is outside the names the local CA may vouch for \(localhost, test,/);
    assert.match(refused.stderr, /H2_SETUP_CA_PERMIT=www\.google\.com h2-setup certs --install-ca/);
    assert.match(refused.stderr, /h2-setup certs --uninstall-ca && rm -rf /);
    assert.equal(existsSync(out), false, 'no --out-dir made');
    assert.equal(existsSync(env.H2_SETUP_CAROOT), false, 'no CA made');

    // With a CA made, the same refusal; H2_SETUP_CA_PERMIT only counts when a CA is created.
    const first = await runCli(['certs', '--ca', '--out-dir', join(root, 'first')], { env });
    assert.equal(first.code, 0, first.stderr);
    const again = await runCli(['certs', '--ca', '--host', 'www.google.com', '--out-dir', out], { env: { ...env, H2_SETUP_CA_PERMIT: 'www.google.com' } });
    assertOneLineError(assert, again, 2, /www\.google\.com is outside/);
    assert.equal(existsSync(out), false);
    // A name the CA permits is made as before.
    const permitted = await runCli(['certs', '--ca', '--host', 'app.test', '--out-dir', out], { env });
    assert.equal(permitted.code, 0, permitted.stderr);
  });

  test('a CA made before constraints keeps working; --check and --install-ca say it is unconstrained and how to replace it', async (t) => {
    const { root, env } = isolatedCaEnv(t);
    const old = makeUnconstrainedCa();
    mkdirSync(env.H2_SETUP_CAROOT, { recursive: true, mode: 0o700 });
    writeFileSync(join(env.H2_SETUP_CAROOT, 'rootCA-key.pem'), old.caKeyPem, { mode: 0o400 });
    writeFileSync(join(env.H2_SETUP_CAROOT, 'rootCA.pem'), old.caCertPem);
    const out = join(root, 'out');
    const made = await runCli(['certs', '--ca', '--host', 'www.example.com', '--out-dir', out], { env });
    assert.equal(made.code, 0, `an unconstrained CA refuses nothing: ${made.stderr}`);

    const { code, doc } = await json(['certs', '--check', '--host', 'www.example.com', '--out-dir', out], { ...env, ...NO_EXTRA });
    assert.equal(code, 0, `unconstrained is reported, not a problem: ${JSON.stringify(doc.problems)}`);
    assert.equal(doc.caConstraints.constrained, false);
    assert.match(doc.caConstraints.detail, /has no name constraints/);
    assert.equal(
      doc.caConstraints.fix.endsWith(`h2-setup certs --uninstall-ca && rm -rf ${env.H2_SETUP_CAROOT} && h2-setup certs --install-ca`),
      true,
      doc.caConstraints.fix,
    );
    const text = await runCli(['certs', '--check', '--host', 'www.example.com', '--out-dir', out], { env: { ...env, ...NO_EXTRA }, timeoutMs: 90_000 });
    assert.match(text.stdout, /CA {12}unconstrained \(made before h2-setup limited its CAs to local names\)\n.*no name constraints.*\n\s+fix: replace it/);

    const installed = await json(['certs', '--install-ca'], env);
    assert.equal(installed.doc.caConstraints.constrained, false);
    assert.match((await runCli(['certs', '--install-ca'], { env, timeoutMs: 90_000 })).stdout, /CA {12}unconstrained/);
  });

  test('a new CA is reported as constrained, with what it permits', async (t) => {
    const { root, env } = isolatedCaEnv(t);
    const out = join(root, 'out');
    assert.equal((await runCli(['certs', '--ca', '--out-dir', out], { env: { ...env, H2_SETUP_CA_PERMIT: 'corp.lan' } })).code, 0);
    const { doc } = await json(['certs', '--check', '--out-dir', out], { ...env, ...NO_EXTRA });
    assert.equal(doc.caConstraints.constrained, true);
    assert.equal(doc.caConstraints.permitted.at(-1), 'corp.lan');
    assert.ok(doc.caConstraints.permitted.includes('127.0.0.0/8'));
  });
});

describe('certs --check and --install-ca: who trusts it', { timeout: 6 * 60_000 }, () => {
  test('not trusted before --install-ca by any client; after it, trusted by exactly those that accept the pair', async (t) => {
    const found = realClients(t, ['certutil', 'openssl', 'chromium']);
    if (!found) return;
    const { root, home, env: caEnv } = isolatedCaEnv(t);
    const env = { ...caEnv, ...NO_EXTRA };
    const nssDb = join(home, '.pki', 'nssdb');
    newNssDb(nssDb, found.certutil);
    const out = join(root, 'out');
    assert.equal((await runCli(['certs', '--ca', '--out-dir', out], { env })).code, 0);
    const certPath = join(out, 'public-cert.pem');
    const pair = { certPem: readFileSync(certPath, 'utf8'), keyPem: readFileSync(join(out, 'private-key.pem'), 'utf8') };

    const judges = async () => ({
      node: await nodeAccepts(pair),
      openssl: opensslAccepts(found.openssl, certPath),
      nss: certutilAccepts(found.certutil, root, nssDb, certPath),
      chromium: await chromiumAccepts(t, found.chromium, pair, home),
    });

    const before = await json(['certs', '--check', '--out-dir', out], env);
    assert.equal(before.code, 0, 'an untrusted pair still passes --check: the trust section is information');
    const real = await judges();
    t.diagnostic(`before: ${JSON.stringify(before.doc.trust)} real: ${JSON.stringify(real)}`);
    assert.deepEqual(real, { node: false, openssl: false, nss: false, chromium: false }, 'nothing trusts the CA yet');
    for (const client of ['node', 'openssl', 'nss']) {
      const verdict = verdictOf(before.doc.trust, client);
      assert.equal(verdict.trusted, false, client);
      assert.ok(verdict.fix, `${client} says how to fix it`);
    }
    assert.equal(verdictOf(before.doc.trust, 'node').fix, `NODE_EXTRA_CA_CERTS=${join(out, 'ca-cert.pem')}`);
    assert.equal(verdictOf(before.doc.trust, 'nss').fix, 'h2-setup certs --install-ca');
    const text = await runCli(['certs', '--check', '--out-dir', out], { env, timeoutMs: 90_000 });
    assert.match(text.stdout, /Who trusts it .*\n {2}no {4}node .*\n +fix: NODE_EXTRA_CA_CERTS=/);
    assert.match(text.stdout, /\n {2}no {4}nss +NSS database .*\n +fix: h2-setup certs --install-ca/);

    const installed = await json(['certs', '--install-ca'], env);
    assert.equal(installed.code, 0);
    const installedNss = verdictOf(installed.doc.trust, 'nss');
    assert.equal(installedNss.trusted, true, `--install-ca ends with the check: ${JSON.stringify(installed.doc.trust)}`);
    assert.match((await runCli(['certs', '--install-ca'], { env, timeoutMs: 90_000 })).stdout, /Which clients now trust the CA.*\n(.*\n)* {2}yes {3}nss /);

    const after = await json(['certs', '--check', '--out-dir', out], env);
    const realAfter = await judges();
    t.diagnostic(`after: ${JSON.stringify(after.doc.trust)} real: ${JSON.stringify(realAfter)}`);
    assert.deepEqual(realAfter, { node: false, openssl: false, nss: true, chromium: true });
    for (const client of ['node', 'openssl', 'nss']) {
      assert.equal(verdictOf(after.doc.trust, client).trusted, realAfter[client], `${client} says what the real client does`);
      assert.equal(verdictOf(installed.doc.trust, client).trusted, realAfter[client], `--install-ca's ${client} line says what the real client does`);
    }

    // The node line's fix, applied, makes it trusted.
    const fixed = await json(['certs', '--check', '--out-dir', out], { ...env, NODE_EXTRA_CA_CERTS: join(out, 'ca-cert.pem') });
    assert.equal(verdictOf(fixed.doc.trust, 'node').trusted, true, JSON.stringify(fixed.doc.trust));
  });

  test('--install-ca changes every NSS database --check asks: a snap Chromium one and a flatpak Firefox profile too', async (t) => {
    const found = realClients(t, ['certutil']);
    if (!found) return;
    const { root, home, env: caEnv } = isolatedCaEnv(t);
    const env = { ...caEnv, ...NO_EXTRA };
    const snapChromium = join(home, 'snap', 'chromium', 'current', '.pki', 'nssdb');
    const flatpakFirefox = join(home, '.var', 'app', 'org.mozilla.firefox', '.mozilla', 'firefox', 'a1b2c3.default-release');
    newNssDb(snapChromium, found.certutil);
    newNssDb(flatpakFirefox, found.certutil);
    const out = join(root, 'out');
    assert.equal((await runCli(['certs', '--ca', '--out-dir', out], { env })).code, 0);
    const nssLines = (trust) => trust.filter((verdict) => verdict.client === 'nss');
    const asked = (trust, db) => nssLines(trust).find((verdict) => verdict.detail.startsWith(`NSS database ${db}:`));

    const before = await json(['certs', '--check', '--out-dir', out], env);
    for (const db of [snapChromium, flatpakFirefox]) assert.equal(asked(before.doc.trust, db)?.trusted, false, `${db} in ${JSON.stringify(before.doc.trust)}`);

    const installed = await json(['certs', '--install-ca'], env);
    assert.equal(installed.code, 0, JSON.stringify(installed.doc));
    for (const db of [snapChromium, flatpakFirefox]) {
      assert.ok(
        installed.doc.actions.some((action) => action.store.startsWith(`nss ${db}`) && action.status === 'installed'),
        `${db} in ${JSON.stringify(installed.doc.actions)}`,
      );
      const listed = spawnSync(found.certutil, ['-d', `sql:${db}`, '-L'], { encoding: 'utf8', timeout: 30_000 });
      assert.match(listed.stdout, /h2-setup development CA [0-9a-f]+\s+C,,/, db);
    }
    const after = await json(['certs', '--check', '--out-dir', out], env);
    for (const db of [snapChromium, flatpakFirefox]) assert.equal(asked(after.doc.trust, db)?.trusted, true, `${db} in ${JSON.stringify(after.doc.trust)}`);

    const removed = await json(['certs', '--uninstall-ca'], env);
    for (const db of [snapChromium, flatpakFirefox]) {
      assert.ok(
        removed.doc.actions.some((action) => action.store.startsWith(`nss ${db}`) && action.status === 'removed'),
        JSON.stringify(removed.doc.actions),
      );
    }
  });

  test('a key that does not match: no trust asked, trust is empty', async (t) => {
    const { root, env } = isolatedCaEnv(t);
    const a = join(root, 'a');
    const b = join(root, 'b');
    assert.equal((await runCli(['certs', '--out-dir', a], { env })).code, 0);
    assert.equal((await runCli(['certs', '--out-dir', b], { env })).code, 0);
    cpSync(join(b, 'private-key.pem'), join(a, 'private-key.pem'));
    const { code, doc } = await json(['certs', '--check', '--out-dir', a], env);
    assert.equal(code, 1);
    assert.deepEqual(doc.trust, []);
  });
});
