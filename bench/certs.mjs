// h2-setup certs vs `openssl req -x509 -newkey rsa:2048` making the same pair.
// Usage: node bench/certs.mjs [runs]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compare, timeOnce } from './lib.mjs';

const cli = fileURLToPath(new URL('../bin/h2-setup.cjs', import.meta.url));
const runs = Number(process.argv[2] ?? 30);
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
