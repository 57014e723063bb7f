// profile/hosts.ts: its IPv6 test agrees with net.isIPv6 (which it replaces to spare every
// `certs` run the compilation of net's very large IPv6 regular expression).
import assert from 'node:assert/strict';
import { isIPv6 as netIsIPv6 } from 'node:net';
import { test } from 'node:test';
import { isIPv6, parseHost } from '../../dist/certs/profile/index.js';

const SPELLINGS = [
  '::1',
  '::',
  '1::',
  '::ffff:127.0.0.1',
  '::1.2.3.4',
  '::01.2.3.4',
  '::256.1.1.1',
  '1:2:3:4:5:6:7:8',
  '1:2:3:4:5:6:7:8:9',
  '1:2:3:4:5:6:1.2.3.4',
  '1::2::3',
  ':::',
  '00001::',
  '0001:0:0:0:0:0:0:1',
  'FE80::1',
  'fe80::1%eth0',
  'fe80::1%',
  'fe80::1%a b',
  '1:2:3:4:5:6:7:8%1',
  ' ::1',
  '::1 ',
  '[::1]',
  'localhost',
  '127.0.0.1',
  'g::1',
  '',
];
const PARTS = [
  '',
  ':',
  '::',
  '0',
  '1',
  'ffff',
  'FFFF',
  '12345',
  'g',
  '1.2.3.4',
  '256.1.1.1',
  '01.2.3.4',
  '%eth0',
  '%',
  ' ',
  '\t',
  '[',
  ']',
  '/',
  'abc',
  'fe80',
];

test('isIPv6 says what net.isIPv6 says, zone indexes included', () => {
  // Spellings made of likely pieces, from a fixed seed so a failure can be replayed.
  let seed = 1;
  const random = (n) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const made = Array.from({ length: 20_000 }, () =>
    Array.from({ length: 1 + random(9) }, () => PARTS[random(PARTS.length)] + (random(5) < 3 ? ':' : '')).join(''),
  );
  const differ = [...SPELLINGS, ...made].filter((text) => isIPv6(text) !== netIsIPv6(text));
  assert.deepEqual(differ, []);
  assert.ok(made.filter(netIsIPv6).length > 100, 'the made spellings include valid addresses');
});

test('--host takes IPv6 addresses in one spelling and refuses a zone index', () => {
  assert.deepEqual(parseHost('0:0:0:0:0:0:0:1'), { kind: 'ip', value: '::1' });
  assert.deepEqual(parseHost('[::ffff:127.0.0.1]'), { kind: 'ip', value: '::ffff:7f00:1' });
  assert.throws(() => parseHost('fe80::1%eth0'), /zone index/);
  assert.throws(() => parseHost('1::2::3'), /not a valid IP address/);
});
