// An empty NSS database (cert9.db), as Chrome, Chromium and Firefox keep one, made with certutil.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';

export function newNssDb(dir, certutil = 'certutil') {
  mkdirSync(dir, { recursive: true });
  const made = spawnSync(certutil, ['-d', `sql:${dir}`, '-N', '--empty-password'], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(made.status, 0, made.stderr);
}
