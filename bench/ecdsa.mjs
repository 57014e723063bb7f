// What `certs --key-type ecdsa` costs, measured on the library that will do it: a P-256 key
// and a self-signed certificate take a millisecond or two, so this is mostly loading code.
// Three arms, alternated run by run (NODE_EXTRA_CA_CERTS unset in all, see lib.mjs):
//   (a) `node -e 0`, the floor any Node CLI stands on;
//   (b) a small script that makes the ECDSA pair with dist/certs/ and writes it;
//   (c) the real CLI, `h2-setup certs --key-type ecdsa`;
//   (d) `openssl req -x509 -newkey ec` making the same pair.
// It also measures what loading node-forge costs whole vs its ASN.1 codec alone.
// Usage: node bench/ecdsa.mjs [runs]   (npm run build first)
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, timeOnce } from './lib.mjs';

const runs = Number(process.argv[2] ?? 40);
const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const cli = fileURLToPath(new URL('../bin/h2-setup.cjs', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'h2-setup-bench-ecdsa-'));
const script = join(work, 'make-ecdsa-pair.mjs');
writeFileSync(
  script,
  `import { writeFilesAtomically } from ${JSON.stringify(join(dist, 'system/index.js'))};
import { parseHosts } from ${JSON.stringify(join(dist, 'certs/profile/index.js'))};
import { generateEcdsaKeyPair } from ${JSON.stringify(join(dist, 'certs/x509/index.js'))};
import { issueLeafCertificate } from ${JSON.stringify(join(dist, 'certs/x509/index.js'))};
const out = process.argv[2];
const { privateKey, publicKey } = generateEcdsaKeyPair();
const leaf = issueLeafCertificate({ kind: 'server', publicKey, selfSigningKey: privateKey, hosts: parseHosts(undefined), commonName: 'localhost', days: 365 });
writeFilesAtomically([
  { path: out + '-key.pem', contents: privateKey.export({ type: 'pkcs8', format: 'pem' }), mode: 0o600 },
  { path: out + '-cert.pem', contents: leaf.certPem, mode: 0o644 },
]);
`,
);

const arms = {
  'node -e 0': () => timeOnce(process.execPath, ['-e', '0']),
  'h2-setup ECDSA pair (dist/certs)': (i) => timeOnce(process.execPath, [script, join(work, `h2-${i}`)]),
  'h2-setup certs --key-type ecdsa': (i) => timeOnce(process.execPath, [cli, 'certs', '--key-type', 'ecdsa', '--out-dir', join(work, `cli-${i}`)]),
  'openssl req -x509 -newkey ec': (i) =>
    timeOnce('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-sha256',
      '-days',
      '365',
      '-keyout',
      join(work, `openssl-${i}-key.pem`),
      '-out',
      join(work, `openssl-${i}-cert.pem`),
      '-subj',
      '/CN=localhost/O=h2-setup development certificate',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1',
      '-addext',
      'basicConstraints=critical,CA:FALSE',
      '-addext',
      'keyUsage=critical,digitalSignature',
      '-addext',
      'extendedKeyUsage=serverAuth',
    ]),
  "require('node-forge') whole": () => timeOnce(process.execPath, ['-e', "require('node-forge')"], { cwd: fileURLToPath(new URL('..', import.meta.url)) }),
  "require('node-forge/lib/asn1')": () =>
    timeOnce(process.execPath, ['-e', "require('node-forge/lib/asn1')"], { cwd: fileURLToPath(new URL('..', import.meta.url)) }),
};

try {
  const names = Object.keys(arms);
  const times = Object.fromEntries(names.map((name) => [name, []]));
  for (let i = 0; i < 3; i++) for (const name of names) arms[name](`warm-${i}`);
  for (let i = 0; i < runs; i++) {
    // Rotate the order each round so drift (thermal, other load) hits every arm alike.
    for (let j = 0; j < names.length; j++) {
      const name = names[(i + j) % names.length];
      times[name].push(arms[name](i));
    }
  }
  const m = Object.fromEntries(names.map((name) => [name, median(times[name])]));
  for (const name of names) console.log(`${name.padEnd(34)} median ${m[name].toFixed(1)} ms over ${runs} runs`);
  const ratio = (a, b) => (m[a] / m[b]).toFixed(2);
  const vsNode = m['h2-setup ECDSA pair (dist/certs)'] / m['node -e 0'];
  console.log(`ECDSA pair vs node -e 0: ${vsNode.toFixed(2)}x (goal <= 2.5, ${vsNode <= 2.5 ? 'within goal' : 'OVER GOAL'})`);
  const cliVsNode = m['h2-setup certs --key-type ecdsa'] / m['node -e 0'];
  console.log(`h2-setup certs --key-type ecdsa vs node -e 0: ${cliVsNode.toFixed(2)}x (goal <= 2.5, ${cliVsNode <= 2.5 ? 'within goal' : 'OVER GOAL'})`);
  console.log(`h2-setup certs --key-type ecdsa vs openssl req -x509 -newkey ec: ${ratio('h2-setup certs --key-type ecdsa', 'openssl req -x509 -newkey ec')}x`);
  console.log(`ECDSA pair vs openssl req -x509 -newkey ec: ${ratio('h2-setup ECDSA pair (dist/certs)', 'openssl req -x509 -newkey ec')}x`);
  console.log(
    `node-forge whole vs node -e 0: ${ratio("require('node-forge') whole", 'node -e 0')}x; forge's asn1 alone: ${ratio("require('node-forge/lib/asn1')", 'node -e 0')}x`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
