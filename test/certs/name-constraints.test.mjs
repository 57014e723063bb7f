// The local CA's name constraints (so a leaked CA key cannot vouch for a real site): what h2-setup writes into a new CA, what
// H2_SETUP_CA_PERMIT adds, how a host is judged against a CA, and — the part that
// matters — that the clients themselves (openssl verify, Node's TLS client, headless
// Chromium with the CA installed in NSS) refuse a leaf for a public name signed by hand
// with the CA's own key, while h2-setup's own leaves pass all of them.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomUUID, X509Certificate } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import tls from 'node:tls';
import {
  assertHostsPermittedByLocalCa,
  caPermittedSubtrees,
  hostsOutsideConstraints,
  isHostPermitted,
  localCaConstraints,
  outsideConstraintsError,
  parseCaPermit,
  readNameConstraints,
  subtreeText,
  unconstrainedCaNotice,
} from '../../dist/certs/ca/index.js';
import { parseHost } from '../../dist/certs/profile/index.js';
import { leafCommonName } from '../../dist/certs/x509/index.js';
import { H2SetupError } from '../../dist/common/index.js';
import { isolatedCaEnv } from '../helpers/ca-env.mjs';
import { dumpDom } from '../helpers/chromium.mjs';
import { assertOneLineError, runCli, tempDir } from '../helpers/cli.mjs';
import { realClients } from '../helpers/real-clients.mjs';
import { makeUnconstrainedCa, signLeafByHand } from '../helpers/sign-by-hand.mjs';

const BUILT_IN = [
  'localhost',
  'test',
  'example',
  'invalid',
  'internal',
  'home.arpa',
  'local',
  '127.0.0.0/8',
  '::1/128',
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  'fc00::/7',
];

function constraintsFor(env) {
  const permitted = caPermittedSubtrees(env);
  return { critical: true, permitted, excluded: [] };
}

describe('name constraints: the rules', () => {
  test('a new CA permits exactly the local names and addresses, in this order', () => {
    assert.deepEqual(caPermittedSubtrees({}).map(subtreeText), BUILT_IN);
  });

  test('which hosts a constrained CA may vouch for', () => {
    const constraints = constraintsFor({});
    const permitted = ['localhost', 'app.localhost', 'app.test', '*.app.test', 'test', 'www.example', 'x.home.arpa', 'printer.local', 'db.internal'];
    permitted.push('127.0.0.1', '127.255.0.9', '::1', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', 'fd00::1', 'fc12:3456::1');
    for (const host of permitted) assert.equal(isHostPermitted(parseHost(host), constraints), true, host);
    const refused = ['example.org', 'www.example.org', 'www.example.com', 'google.com', 'localhost.com', 'mytest', 'nottest.com', 'home.arpa.evil', 'testing'];
    refused.push('8.8.8.8', '172.32.0.1', '172.15.255.255', '192.169.0.1', '11.0.0.1', '::2', 'fe80::1', '2001:db8::1', '::ffff:127.0.0.1');
    for (const host of refused) assert.equal(isHostPermitted(parseHost(host), constraints), false, host);
    assert.deepEqual(
      hostsOutsideConstraints(['localhost', 'google.com', '127.0.0.1', '8.8.4.4'].map(parseHost), constraints).map((host) => host.value),
      ['google.com', '8.8.4.4'],
    );
    assert.deepEqual(hostsOutsideConstraints([parseHost('google.com')], undefined), [], 'an unconstrained CA refuses nothing');
  });

  test('H2_SETUP_CA_PERMIT adds names, addresses and CIDR ranges', () => {
    const env = { H2_SETUP_CA_PERMIT: ' corp.lan, .Other.Example.NET ,100.64.0.0/10,203.0.113.7,[2001:db8::]/32, fd12::/16, 10.0.0.0/8' };
    assert.deepEqual(parseCaPermit(env.H2_SETUP_CA_PERMIT).map(subtreeText), [
      'corp.lan',
      'other.example.net',
      '100.64.0.0/10',
      '203.0.113.7/32',
      '2001:db8::/32',
      'fd12::/16',
      '10.0.0.0/8',
    ]);
    assert.deepEqual(caPermittedSubtrees(env).map(subtreeText).slice(BUILT_IN.length), [
      'corp.lan',
      'other.example.net',
      '100.64.0.0/10',
      '203.0.113.7/32',
      '2001:db8::/32',
      'fd12::/16',
    ]);
    const constraints = constraintsFor(env);
    for (const host of ['corp.lan', 'a.b.corp.lan', 'x.other.example.net', '100.127.0.1', '203.0.113.7', '2001:db8:1::5']) {
      assert.equal(isHostPermitted(parseHost(host), constraints), true, host);
    }
    for (const host of ['lan', 'example.net', '100.128.0.1', '203.0.113.8', '2001:db9::1'])
      assert.equal(isHostPermitted(parseHost(host), constraints), false, host);
    assert.deepEqual(parseCaPermit(''), []);
    assert.deepEqual(parseCaPermit(undefined), []);
  });

  test('a bad H2_SETUP_CA_PERMIT entry is a usage error that names it', () => {
    const bad = [
      '',
      'corp.lan,,x.lan',
      'under_score.lan',
      '*.corp.lan',
      '10.0.0.0/33',
      '10.1.0.0/8',
      'fd12::1/129',
      '300.1.1.1',
      'corp.lan/24',
      '-bad.lan',
      '10.0.0.0/x',
      'a..b',
    ];
    for (const value of bad) {
      assert.throws(
        () => parseCaPermit(value === '' ? ' , ' : value),
        (error) => error instanceof H2SetupError && error.exitCode === 2 && /^H2_SETUP_CA_PERMIT entry ".*" .*; expected a comma list/.test(error.message),
        value,
      );
    }
    assert.throws(() => parseCaPermit('10.1.0.0/8'), /outside its \/8 prefix \(the range starts at 10\.0\.0\.0\/8\)/);
  });

  test('the refusal says which name, and how to make a CA that permits it, keeping what the old CA permitted', () => {
    const constraints = constraintsFor({ H2_SETUP_CA_PERMIT: 'corp.lan' });
    const error = outsideConstraintsError([parseHost('www.example.org')], constraints, '/home/me/.local/share/h2-setup');
    assert.equal(error.exitCode, 2);
    assert.match(error.message, /^--host www\.example\.org is outside the names the local CA may vouch for \(localhost, test, .*fc00::\/7, corp\.lan\)$/);
    assert.equal(
      error.hint,
      'to make a CA that permits it, replace the CA, then make the pair again: h2-setup certs --uninstall-ca && rm -rf /home/me/.local/share/h2-setup && H2_SETUP_CA_PERMIT=corp.lan,www.example.org h2-setup certs --install-ca',
    );
    const notice = unconstrainedCaNotice('/ca dir');
    assert.match(notice.detail, /has no name constraints/);
    assert.equal(
      notice.fix,
      "replace it with a constrained one (and remake pairs with --ca --force): h2-setup certs --uninstall-ca && rm -rf '/ca dir' && h2-setup certs --install-ca",
    );
  });

  test('a leaf for addresses only gets a commonName that no client takes for a host name', () => {
    assert.equal(leafCommonName(['127.0.0.1', '::1'].map(parseHost)), 'h2-setup certificate for 127.0.0.1');
    assert.equal(leafCommonName(['127.0.0.1', 'localhost'].map(parseHost)), '127.0.0.1');
    assert.equal(leafCommonName(['app.test'].map(parseHost)), 'app.test');
  });
});

/** openssl verify of `certPem` against only `caPem`; resolves { ok, output }. */
function opensslVerify(dir, caPem, certPem, name) {
  const caFile = join(dir, `ca-${randomUUID()}.pem`);
  const certFile = join(dir, `leaf-${randomUUID()}.pem`);
  writeFileSync(caFile, caPem);
  writeFileSync(certFile, certPem);
  const identity = /^[\d.]+$|:/.test(name) ? ['-verify_ip', name] : ['-verify_hostname', name];
  const result = spawnSync('openssl', ['verify', '-no-CApath', '-no-CAstore', '-CAfile', caFile, '-purpose', 'sslserver', ...identity, certFile], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}`.trim() };
}

/** A real TLS handshake from Node's client, trusting only `caPem`; resolves { authorized, error }. */
async function nodeHandshake(t, caPem, pair, name) {
  const server = tls.createServer({ key: pair.keyPem, cert: pair.certPem });
  server.on('tlsClientError', () => {});
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  const isIp = /^[\d.]+$|:/.test(name);
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host: '127.0.0.1',
      port: server.address().port,
      servername: isIp ? undefined : name,
      ca: caPem,
      // Addresses through X509Certificate.checkIP: Node 22's checkServerIdentity reads an IPv6
      // address as a host name (22.23.3 refuses ::1 against its own IP subjectAltName).
      checkServerIdentity: (_host, cert) =>
        isIp
          ? new X509Certificate(cert.raw).checkIP(name)
            ? undefined
            : new Error(`${name} is not among the IP addresses`)
          : tls.checkServerIdentity(name, cert),
    });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('no TLS answer within 20 s'));
    }, 20_000);
    socket.on('secureConnect', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ authorized: true });
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      resolve({ authorized: false, error: error.code ?? error.message });
    });
  });
}

describe('name constraints: the local CA h2-setup would sign with', () => {
  test('refuses before the CA exists (by what it would permit), then by the CA made; an old unconstrained CA refuses nothing', async (t) => {
    const { env } = isolatedCaEnv(t);
    const permitEnv = { ...env, H2_SETUP_CA_PERMIT: 'corp.lan' };
    assert.equal(localCaConstraints(permitEnv).exists, false);
    assert.doesNotThrow(() => assertHostsPermittedByLocalCa(['localhost', 'app.corp.lan', '127.0.0.1'].map(parseHost), permitEnv));
    assert.throws(
      () => assertHostsPermittedByLocalCa(['localhost', 'google.com'].map(parseHost), permitEnv),
      (error) =>
        error.exitCode === 2 &&
        /^--host google\.com is outside/.test(error.message) &&
        error.hint.endsWith(`rm -rf ${env.H2_SETUP_CAROOT} && H2_SETUP_CA_PERMIT=corp.lan,google.com h2-setup certs --install-ca`),
    );
    assert.equal(existsSync(env.H2_SETUP_CAROOT), false, 'asking wrote nothing');
    const made = await runCli(['certs', '--install-ca'], { env: permitEnv });
    assert.equal(made.code, 0, made.stderr);
    // Now the CA decides, not the environment: H2_SETUP_CA_PERMIT only matters when a CA is made.
    assert.equal(localCaConstraints(env).exists, true);
    assert.doesNotThrow(() => assertHostsPermittedByLocalCa([parseHost('app.corp.lan')], env));
    assert.throws(() => assertHostsPermittedByLocalCa([parseHost('other.lan')], { ...env, H2_SETUP_CA_PERMIT: 'other.lan' }), /--host other\.lan is outside/);

    const old = makeUnconstrainedCa();
    writeFileSync(join(env.H2_SETUP_CAROOT, 'rootCA.pem'), old.caCertPem);
    assert.equal(localCaConstraints(env).constraints, undefined);
    assert.doesNotThrow(() => assertHostsPermittedByLocalCa([parseHost('google.com')], env));
  });
});

describe('name constraints: the clients enforce them', { timeout: 10 * 60_000 }, () => {
  test('a bad H2_SETUP_CA_PERMIT is exit 2 before anything is written', async (t) => {
    const { root, env } = isolatedCaEnv(t);
    const result = await runCli(['certs', '--ca', '--out-dir', join(root, 'out')], { env: { ...env, H2_SETUP_CA_PERMIT: 'corp.lan,10.1.0.0/8' } });
    assertOneLineError(assert, result, 2, /H2_SETUP_CA_PERMIT entry "10\.1\.0\.0\/8"/);
    assert.equal(existsSync(env.H2_SETUP_CAROOT), false, 'no CA directory');
    assert.equal(existsSync(join(root, 'out')), false, 'no out dir');
  });

  test('openssl and Node accept our leaves and refuse public names signed by hand with the CA key', async (t) => {
    if (!realClients(t, ['openssl'])) return;
    const { root, env } = isolatedCaEnv(t);
    const permitEnv = { ...env, H2_SETUP_CA_PERMIT: 'corp.lan,100.64.0.0/10' };
    const made = await runCli(
      ['certs', '--ca', '--out-dir', join(root, 'ours'), '--host', 'localhost', '--host', '127.0.0.1', '--host', '::1', '--host', 'app.corp.lan'],
      {
        env: permitEnv,
      },
    );
    assert.equal(made.code, 0, made.stderr);
    const ipOnly = await runCli(['certs', '--ca', '--out-dir', join(root, 'ip-only'), '--host', '127.0.0.1'], { env });
    assert.equal(ipOnly.code, 0, ipOnly.stderr);
    const caPem = readFileSync(join(env.H2_SETUP_CAROOT, 'rootCA.pem'), 'utf8');
    const caKeyPem = readFileSync(join(env.H2_SETUP_CAROOT, 'rootCA-key.pem'), 'utf8');

    const constraints = readNameConstraints(caPem);
    assert.ok(constraints, 'the new CA has name constraints');
    assert.equal(constraints.critical, true);
    assert.deepEqual(constraints.permitted.map(subtreeText), [...BUILT_IN, 'corp.lan', '100.64.0.0/10']);
    assert.match(
      spawnSync('openssl', ['x509', '-noout', '-ext', 'nameConstraints'], { input: caPem, encoding: 'utf8' }).stdout,
      /critical[\s\S]*DNS:localhost[\s\S]*IP:100\.64\.0\.0\/255\.192\.0\.0/,
    );

    const pairOf = (dir) => ({
      certPem: readFileSync(join(root, dir, 'public-cert.pem'), 'utf8'),
      keyPem: readFileSync(join(root, dir, 'private-key.pem'), 'utf8'),
    });
    const accepted = [
      ['ours', pairOf('ours'), 'localhost'],
      ['ours', pairOf('ours'), 'app.corp.lan'],
      ['ours', pairOf('ours'), '::1'],
      ['ip-only', pairOf('ip-only'), '127.0.0.1'],
      // The control: the same hand-signing, for a permitted name, is a valid certificate.
      ['by hand, localhost', signLeafByHand({ caCertPem: caPem, caKeyPem, dns: ['localhost'] }), 'localhost'],
      ['by hand, 100.64.1.1', signLeafByHand({ caCertPem: caPem, caKeyPem, ips: ['100.64.1.1'], commonName: 'an address' }), '100.64.1.1'],
    ];
    const refused = [
      ['by hand, www.example.org', signLeafByHand({ caCertPem: caPem, caKeyPem, dns: ['www.example.org'] }), 'www.example.org'],
      ['by hand, google.com', signLeafByHand({ caCertPem: caPem, caKeyPem, dns: ['google.com'] }), 'google.com'],
      ['by hand, 8.8.8.8', signLeafByHand({ caCertPem: caPem, caKeyPem, ips: ['8.8.8.8'], commonName: 'an address' }), '8.8.8.8'],
      ['by hand, localhost + example.org', signLeafByHand({ caCertPem: caPem, caKeyPem, dns: ['localhost', 'example.org'] }), 'localhost'],
    ];
    for (const [label, pair, name] of accepted) {
      const openssl = opensslVerify(root, caPem, pair.certPem, name);
      assert.equal(openssl.ok, true, `openssl, ${label} for ${name}: ${openssl.output}`);
      assert.deepEqual(await nodeHandshake(t, caPem, pair, name), { authorized: true }, `node, ${label} for ${name}`);
    }
    for (const [label, pair, name] of refused) {
      const openssl = opensslVerify(root, caPem, pair.certPem, name);
      assert.equal(openssl.ok, false, `openssl accepted ${label}`);
      assert.match(openssl.output, /permitted subtree violation/, `openssl, ${label}`);
      const node = await nodeHandshake(t, caPem, pair, name);
      // Node names OpenSSL's X509_V_ERR_PERMITTED_VIOLATION (47) only on some lines; Node 20
      // maps it to UNSPECIFIED. The controls above (same CA, same hand-signing) pass.
      assert.equal(node.authorized, false, `node accepted ${label}`);
      assert.match(node.error, /^(PERMITTED_SUBTREE_VIOLATION|UNSPECIFIED)$/, `node, ${label}`);
    }

    // The control for the refusals: the same public names under a CA without
    // constraints (as made before) pass, so it is the constraints that bite.
    const old = makeUnconstrainedCa();
    assert.equal(readNameConstraints(old.caCertPem), undefined, 'an old CA is detected as unconstrained');
    const publicLeaf = signLeafByHand({ ...old, dns: ['www.example.org'] });
    assert.equal(opensslVerify(root, old.caCertPem, publicLeaf.certPem, 'www.example.org').ok, true);
    assert.deepEqual(await nodeHandshake(t, old.caCertPem, publicLeaf, 'www.example.org'), { authorized: true });
  });

  test('headless Chromium, with the CA installed in NSS, loads our leaf and refuses a public name signed with the CA key', async (t) => {
    const browser = realClients(t, ['chromium', 'certutil']);
    if (!browser) return;
    const { chromium } = browser;
    const { root, home, env } = isolatedCaEnv(t);
    const installed = await runCli(['certs', '--install-ca', '--json'], { env });
    assert.equal(installed.code, 0, installed.stderr);
    assert.deepEqual(
      JSON.parse(installed.stdout).actions.map((action) => action.status),
      ['installed'],
    );
    const made = await runCli(['certs', '--ca', '--out-dir', join(root, 'ours')], { env });
    assert.equal(made.code, 0, made.stderr);
    const caPem = readFileSync(join(env.H2_SETUP_CAROOT, 'rootCA.pem'), 'utf8');
    const caKeyPem = readFileSync(join(env.H2_SETUP_CAROOT, 'rootCA-key.pem'), 'utf8');
    const ours = { certPem: readFileSync(join(root, 'ours', 'public-cert.pem'), 'utf8'), keyPem: readFileSync(join(root, 'ours', 'private-key.pem'), 'utf8') };

    async function load(pair, hostName) {
      const marker = `h2-setup-nc-${randomUUID()}`;
      const tlsErrors = [];
      const server = https.createServer({ key: pair.keyPem, cert: pair.certPem }, (_request, response) => {
        response.setHeader('content-type', 'text/html');
        response.end(`<!doctype html><p id="marker">${marker}</p>`);
      });
      server.on('tlsClientError', (error) => tlsErrors.push(error.code ?? error.message));
      await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
      t.after(() => server.close());
      const userDataDir = tempDir(t, 'h2-setup-nc-chromium-');
      // The public name resolves to the loopback server inside this browser only.
      const extraFlags = [`--host-resolver-rules=MAP ${hostName} 127.0.0.1`];
      const run = await dumpDom(chromium, `https://${hostName}:${server.address().port}/`, { home, userDataDir, timeoutMs: 60_000, extraFlags });
      server.closeAllConnections?.();
      await new Promise((resolve) => server.close(resolve));
      assert.equal(run.timedOut, false, 'chromium finished in time');
      assert.deepEqual(run.leftovers, [], 'no chromium process left behind');
      const loadError = run.stderr.match(/Page load failed: (net::ERR_\w+)/)?.[1];
      t.diagnostic(`chromium ${hostName}: ${run.dom.includes(marker) ? 'loaded' : `not loaded (${loadError ?? 'no error logged'})`}`);
      return { loaded: run.dom.includes(marker), loadError, tlsErrors };
    }

    const good = await load(ours, 'localhost');
    assert.equal(good.loaded, true, `our own leaf did not load: ${good.loadError}`);
    const control = await load(signLeafByHand({ caCertPem: caPem, caKeyPem, dns: ['app.test'] }), 'app.test');
    assert.equal(control.loaded, true, `a hand-signed leaf for a permitted name did not load: ${control.loadError}`);
    const attack = await load(signLeafByHand({ caCertPem: caPem, caKeyPem, dns: ['www.example.org'] }), 'www.example.org');
    assert.equal(attack.loaded, false, 'Chromium accepted www.example.org signed by the constrained CA');
    assert.ok(attack.tlsErrors.length > 0, 'the refusal happened in the TLS handshake');
    if (attack.loadError) assert.match(attack.loadError, /ERR_CERT_NAME_CONSTRAINT_VIOLATION|ERR_CERT_INVALID/);
    assert.ok(readdirSync(join(home, '.pki', 'nssdb')).includes('cert9.db'));
  });
});
