// h2-setup certs vs `openssl req -x509 -newkey rsa:2048` making the same pair.
// Usage: node bench/certs.mjs [runs]
// RSA key generation (a random prime search) is most of both arms and varies from ~80 ms
// to over 400 ms a run, so the default is 80 runs each: with 30 the median ratio moved
// between 1.07 and 1.48 from one run of this script to the next.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compare, timeOnce } from './lib.mjs';

const cli = fileURLToPath(new URL('../bin/h2-setup.cjs', import.meta.url));
const runs = Number(process.argv[2] ?? 80);
const work = mkdtempSync(join(tmpdir(), 'h2-setup-bench-'));

try {
  compare({
    name: 'certs (RSA-2048, localhost 127.0.0.1 ::1) vs openssl req -x509',
    runs,
    goal: 1.2,
    subject: (i) => timeOnce(process.execPath, [cli, 'certs', '--out-dir', join(work, `h2-${i}`), '--force']),
    reference: (i) =>
      timeOnce('openssl', [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
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
        'keyUsage=critical,digitalSignature,keyEncipherment',
        '-addext',
        'extendedKeyUsage=serverAuth',
      ]),
  });
} finally {
  rmSync(work, { recursive: true, force: true });
}
