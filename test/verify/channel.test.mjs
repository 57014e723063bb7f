// The probe's channel is the probe's alone: whatever the program writes to the file
// descriptors it inherits (fd 3 included, unfinished lines included), and text it prints that
// looks like probe records, can neither break nor make a record.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { encodeRecord, RecordReader } from '../../dist/verify/channel/index.js';
import { project, verifyJson } from '../helpers/verify-fixtures.mjs';

describe('a program writing to the channel', { concurrency: 2, timeout: 120_000 }, () => {
  test('an unfinished line on fd 3 just before the probe reports: no record is lost, and the run passes', async (t) => {
    const { code, json } = await verifyJson([project(t, 'noisy-channel'), '--timeout', '20000'], { env: { NOISE: 'partial' } });
    assert.equal(code, 0, json.reason);
    // The record right after the program's bytes: its 'close' listener on the server session.
    const added = json.timeline.find((entry) => entry.type === 'listener-added' && entry.event === 'close');
    assert.equal(added?.side, 'server');
  });

  test('made-up records on fd 3 and stdout, with and without a token: not counted, and the run fails', async (t) => {
    const { code, json } = await verifyJson([project(t, 'noisy-channel'), '--timeout', '20000'], { env: { NOISE: 'forge' } });
    assert.equal(code, 1);
    assert.equal(json.failure, 'close-never-fired', json.reason);
    assert.match(json.stdout, /"type":"session-closed"/, 'the program did print them');
    assert.equal(json.timeline.filter((entry) => entry.type === 'session-closed' || entry.type === 'listener-ran').length, 0);
  });
});

describe('the record framing', () => {
  const token = 'k9secret';
  const read = (chunks) => {
    const records = [];
    const reader = new RecordReader(token, (record) => records.push(record));
    for (const chunk of chunks) reader.push(Buffer.from(chunk));
    return records;
  };

  test('records survive junk around them and any split into chunks', () => {
    const bytes = Buffer.concat([
      Buffer.from('junk without newline'),
      encodeRecord(token, { type: 'a', text: 'ü€' }),
      Buffer.from('\x1e'),
      Buffer.from(`\x1e${token} 99999 {}\n`),
      encodeRecord(token, { type: 'b' }),
    ]);
    for (let size = 1; size <= bytes.length; size += 7) {
      const chunks = [];
      for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
      assert.deepEqual(
        read(chunks).map((record) => record.type),
        ['a', 'b'],
        `chunks of ${size}`,
      );
    }
  });

  test('another token, no token, or a wrong length is not a record', () => {
    const json = JSON.stringify({ type: 'forged' });
    assert.deepEqual(read([encodeRecord('other', { type: 'forged' }), `${json}\n`, `\x1e${token} ${json.length + 1} ${json}\n`]), []);
  });

  test('a long record is cut below PIPE_BUF, so one write() queues it whole', () => {
    const record = encodeRecord(token, { type: 'uncaught', message: 'x'.repeat(100_000) });
    assert.ok(record.length < 4096, `${record.length} bytes`);
    assert.equal(read([record])[0].type, 'uncaught');
  });
});
