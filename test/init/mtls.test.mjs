// h2-setup init --mtls: the TLS demo with mutual TLS. The scaffolded server requires a
// client certificate signed by the local CA and prints whose it was; the client presents
// the one init made. Judged by verify's timeline (the server session's peer certificate,
// read by Node's TLS), by openssl, and by running the README's refused-client command.
// Every run gets isolatedCaEnv, so the real CA directory and trust stores are never touched.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, test } from 'node:test';
import { isolatedCaEnv } from '../helpers/ca-env.mjs';
import { assertOneLineError, runCli, runCommand, tempDir } from '../helpers/cli.mjs';
import { realClients } from '../helpers/real-clients.mjs';
import { codeBlocks, outputLines } from '../helpers/scaffolded-project.mjs';

/** The CN in a Node X509Certificate subject ("CN=...\nO=..."). */
function commonNameOf(cert) {
  return /^CN=(.*)$/m.exec(cert.subject)?.[1];
}

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** One mTLS project per suite: making it (key, CA, client pair, verify) is the slow part. */
async function scaffold(t) {
  const { env } = isolatedCaEnv(t);
  const cwd = tempDir(t);
  const result = await runCli(['init', 'demo', '--mtls', '--yes', '--json'], { cwd, env, timeoutMs: 90_000 });
  return { env, dir: join(cwd, 'demo'), result };
}

describe('init --mtls', { timeout: 240_000 }, () => {
  test('--mtls --yes --json: verify passes and the server session saw the client certificate init made', async (t) => {
    const { env, dir, result } = await scaffold(t);
    assert.equal(result.code, 0, `${result.stderr}${result.stdout}`);
    const doc = JSON.parse(result.stdout);
    assert.equal(doc.ok, true);
    assert.equal(doc.mtls, true);
    assert.equal(doc.ca, true, '--mtls implies --ca');
    assert.equal(doc.transport, 'tls', '--mtls implies --tls');
    assert.equal(doc.verify.passed, true, doc.verify.reason);

    assert.deepEqual(readdirSync(dir).sort(), [
      '.gitignore',
      'README.md',
      'ca-cert.pem',
      'client-cert.pem',
      'client-key.pem',
      'index.ts',
      'package.json',
      'private-key.pem',
      'public-cert.pem',
      'serve.ts',
      'tsconfig.json',
    ]);
    assert.deepEqual(doc.files.map((file) => relative(dir, file)).sort(), readdirSync(dir).sort());
    assert.equal(readFileSync(join(dir, 'ca-cert.pem'), 'utf8'), readFileSync(join(env.H2_SETUP_CAROOT, 'rootCA.pem'), 'utf8'));

    // Both leaves come from the one local CA: the server's for serverAuth, the client's for clientAuth.
    const ca = new X509Certificate(readFileSync(join(dir, 'ca-cert.pem')));
    const server = new X509Certificate(readFileSync(join(dir, 'public-cert.pem')));
    const client = new X509Certificate(readFileSync(join(dir, 'client-cert.pem')));
    assert.ok(server.checkIssued(ca) && server.verify(ca.publicKey), 'the CA signed the server certificate');
    assert.ok(client.checkIssued(ca) && client.verify(ca.publicKey), 'the CA signed the client certificate');
    assert.ok(client.keyUsage?.includes('1.3.6.1.5.5.7.3.2'), 'the client certificate is for clientAuth');
    assert.equal(doc.clientCertificate.kind, 'client');
    assert.equal(doc.clientCertificate.certPath, join(dir, 'client-cert.pem'));
    assert.equal(statSync(join(dir, 'client-key.pem')).mode & 0o777, 0o600, 'the client key is private');

    // verify's timeline: the server session's peer presented the client certificate, and the CA vouched for it.
    const clientName = commonNameOf(client);
    assert.ok(clientName, client.subject);
    const peers = doc.verify.result.timeline.filter((event) => event.type === 'peer-certificate');
    assert.equal(peers.length, 1, JSON.stringify(peers));
    assert.equal(peers[0].side, 'server');
    assert.equal(peers[0].authorized, true);
    assert.match(peers[0].subject, new RegExp(`(^|, )CN=${escapeRegExp(clientName)}(,|$)`));
    // The program says whose certificate it was, and the README shows that line with the same name.
    assert.match(doc.verify.result.stdout, new RegExp(`^client certificate : ${escapeRegExp(clientName)}$`, 'm'));
    // The README shows exactly what the program printed (the same on Node 20 and 26).
    const outputs = codeBlocks(readFileSync(join(dir, 'README.md'), 'utf8')).filter((block) => block.lang === '' && /destroyed/.test(block.body));
    assert.equal(outputs.length, 1, 'one output block');
    assert.deepEqual(outputLines(doc.verify.result.stdout), outputLines(outputs[0].body));
    assert.equal(outputLines(outputs[0].body)[0], `client certificate : ${clientName}`);

    // The program is the tls one with mutual TLS on: the flags the contract names are in it.
    const index = readFileSync(join(dir, 'index.ts'), 'utf8');
    assert.match(index, /^ {2}requestCert: true,$/m);
    assert.match(index, /^ {2}rejectUnauthorized: true,$/m);
    assert.doesNotMatch(index, /^[^/\n]*rejectUnauthorized: false/m, 'no code line turns verification off');

    // openssl, the outside judge: a client certificate this CA vouches for.
    const clients = realClients(t, ['openssl']);
    if (!clients) return;
    const verified = await runCommand(clients.openssl, ['verify', '-purpose', 'sslclient', '-CAfile', 'ca-cert.pem', 'client-cert.pem'], {
      cwd: dir,
      timeoutMs: 30_000,
    });
    assert.equal(verified.code, 0, verified.stdout + verified.stderr);
    assert.match(verified.stdout, /client-cert\.pem: OK/);
    // ... and not a server certificate: the client one is refused for sslserver.
    const asServer = await runCommand(clients.openssl, ['verify', '-purpose', 'sslserver', '-CAfile', 'ca-cert.pem', 'client-cert.pem'], {
      cwd: dir,
      timeoutMs: 30_000,
    });
    assert.notEqual(asServer.code, 0, 'a client certificate is not a server certificate');
  });

  test("the README's refused-client command: without its certificate the server refuses the client", async (t) => {
    const { env, dir, result } = await scaffold(t);
    assert.equal(result.code, 0, `${result.stderr}${result.stdout}`);
    const readme = readFileSync(join(dir, 'README.md'), 'utf8');
    // The exact command the README gives, and the verify variant it promises fails.
    assert.ok(readme.includes('\nH2_DEMO_NO_CLIENT_CERT=1 npm start\n'), 'the README gives the command');
    assert.match(readme, /H2_DEMO_NO_CLIENT_CERT=1 .*verify` fails/);

    // npm start needs tsx (npm install, the network); verify runs the same index.ts with the
    // same environment, on loopback, and reports what the program printed and what http2 did.
    const refused = await runCli(['verify', '--json'], { cwd: dir, env: { ...env, H2_DEMO_NO_CLIENT_CERT: '1' }, timeoutMs: 60_000 });
    assert.equal(refused.code, 1, refused.stderr);
    const doc = JSON.parse(refused.stdout);
    assert.equal(doc.passed, false);
    assert.deepEqual(
      doc.timeline.filter((event) => event.type === 'peer-certificate'),
      [],
      'no session ever had a client certificate',
    );
    assert.ok(!doc.timeline.some((event) => event.type === 'stream-opened' && event.side === 'server'), 'no request reached the server');
    assert.match(doc.stdout, /^server refused a client: .*peer did not return a certificate/m);
    assert.match(doc.stdout, /^client error: .*certificate required/m);
    assert.doesNotMatch(doc.stdout, /^client certificate : /m);
    // It refused and stopped: the program exited by itself, not by verify's timeout.
    assert.equal(doc.timedOut, false);
  });

  test('--template example-2 --mtls: the other program verifies with the client certificate too, and the text report says so', async (t) => {
    const { env } = isolatedCaEnv(t);
    const cwd = tempDir(t);
    const result = await runCli(['init', 'demo', '--template', 'example-2', '--mtls', '--yes'], { cwd, env, timeoutMs: 90_000 });
    assert.equal(result.code, 0, `${result.stderr}${result.stdout}`);
    assert.match(result.stdout, /^Created demo \(example-2, mutual TLS, ALPN h2/m);
    assert.match(result.stdout, /^Client certificate .* \(mutual TLS, clientAuth\), client-cert\.pem/m);
    assert.match(result.stdout, /^ {2}\| client certificate : \S/m, "the program's own line, in verify's report");
    assert.match(result.stdout, /^Verified: /m);
    assert.match(readFileSync(join(cwd, 'demo', 'index.ts'), 'utf8'), /^ {2}requestCert: true,$/m);
  });

  test('--mtls with --h2c is a usage error: one line, exit 2, nothing written, no CA made', async (t) => {
    const { env } = isolatedCaEnv(t);
    const cwd = tempDir(t);
    for (const args of [
      ['demo', '--mtls', '--h2c', '--yes'],
      ['demo', '--h2c', '--mtls', '--json'],
    ]) {
      const result = await runCli(['init', ...args], { cwd, env });
      assertOneLineError(assert, result, 2, /--mtls cannot be used with --h2c/);
      if (args.includes('--json')) assert.equal(JSON.parse(result.stdout).error.code, 'usage');
      else assert.equal(result.stdout, '');
    }
    assert.deepEqual(readdirSync(cwd), [], 'nothing was written');
    assert.ok(!existsSync(env.H2_SETUP_CAROOT), 'the CA was not created');
  });
});
