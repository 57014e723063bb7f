// createCertificate() in one process, against what people import for this today:
// `selfsigned` 5.5's generate() making the same pair (RSA-2048, SHA-256, subjectAltName
// for localhost, 127.0.0.1 and ::1, serverAuth). The two alternate call by call, so drift
// hits both alike. Goals: RSA no slower per call than selfsigned (ratio <= 1),
// and an ECDSA P-256 pair under 5 ms a call (median).
// Both arms' time is mostly RSA prime search, which is random: the medians of a few dozen
// calls move from one run to the next, so the ratio of means is printed beside them.
import { createRequire } from 'node:module';
import { median } from './lib.mjs';

const { createCertificate } = await import('../dist/index.js');
const selfsigned = createRequire(import.meta.url)('selfsigned');

const runs = Number(process.env.BENCH_RUNS ?? 40);
const hosts = ['localhost', '127.0.0.1', '::1'];
const selfsignedOptions = {
  keySize: 2048,
  algorithm: 'sha256',
  extensions: [
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [
        { type: 2, value: 'localhost' },
        { type: 7, ip: '127.0.0.1' },
        { type: 7, ip: '::1' },
      ],
    },
  ],
};

async function time(fn) {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const ours = [];
const theirs = [];
for (let i = 0; i < 3; i++) {
  await createCertificate({ hosts });
  await selfsigned.generate([{ name: 'commonName', value: 'localhost' }], selfsignedOptions);
}
for (let i = 0; i < runs; i++) {
  const a = () => time(() => createCertificate({ hosts }));
  const b = () => time(() => selfsigned.generate([{ name: 'commonName', value: 'localhost' }], selfsignedOptions));
  if (i % 2) {
    ours.push(await a());
    theirs.push(await b());
  } else {
    theirs.push(await b());
    ours.push(await a());
  }
}
const mean = (values) => values.reduce((sum, value) => sum + value, 0) / values.length;
const ratio = median(ours) / median(theirs);
console.log(
  `createCertificate() RSA-2048 vs selfsigned 5.5 generate(): median ${median(ours).toFixed(1)} ms vs ${median(theirs).toFixed(1)} ms over ${runs} calls each; ratio ${ratio.toFixed(2)} (goal <= 1, ${ratio <= 1 ? 'within goal' : 'OVER GOAL'}); ratio of means ${(mean(ours) / mean(theirs)).toFixed(2)}`,
);

const ecdsa = [];
for (let i = 0; i < 3; i++) await createCertificate({ hosts, keyType: 'ecdsa' });
for (let i = 0; i < runs * 5; i++) ecdsa.push(await time(() => createCertificate({ hosts, keyType: 'ecdsa' })));
const ecdsaMedian = median(ecdsa);
console.log(
  `createCertificate() ECDSA P-256: median ${ecdsaMedian.toFixed(2)} ms over ${ecdsa.length} calls (goal < 5 ms, ${ecdsaMedian < 5 ? 'within goal' : 'OVER GOAL'})`,
);
