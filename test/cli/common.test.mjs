// Fast unit tests of the CLI's small shared pieces, imported from dist/ (npm test builds
// first): host parsing, the whole-number and port parser, displayPath, and when colour is on.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { DEFAULT_HOSTS, parseHost, parseHosts } from '../../dist/certs/profile/index.js';
import { parsePort, wholeNumber } from '../../dist/common/index.js';
import { colourFor, displayPath, paint } from '../../dist/system/index.js';

describe('host parsing', () => {
  test('DNS names and IP addresses are kept apart, in one spelling', () => {
    assert.deepEqual(parseHost('App.Test'), { kind: 'dns', value: 'app.test' });
    assert.deepEqual(parseHost('*.app.test'), { kind: 'dns', value: '*.app.test' });
    assert.deepEqual(parseHost('127.0.0.1'), { kind: 'ip', value: '127.0.0.1' });
    assert.deepEqual(parseHost('[::1]'), { kind: 'ip', value: '::1' });
  });

  test('no --host means localhost and both loopback addresses', () => {
    assert.deepEqual(
      parseHosts(undefined).map((host) => host.value),
      [...DEFAULT_HOSTS],
    );
  });

  test('what no client could match is a usage error', () => {
    for (const bad of ['', 'bad_name!', '-leading.test', '300.1.1.1', '1::2::3', 'fe80::1%eth0']) {
      assert.throws(
        () => parseHost(bad),
        (error) => error.name === 'H2SetupError' && error.exitCode === 2,
        bad,
      );
    }
  });
});

describe('whole numbers and ports', () => {
  test('digits only', () => {
    assert.equal(wholeNumber('365'), 365);
    assert.equal(wholeNumber(' 42 '), 42);
    assert.equal(wholeNumber(8000), 8000);
    for (const bad of ['', '1e3', '10.5', '0x10', '-1', '10ms', '99999999999999999999']) assert.equal(wholeNumber(bad), null, bad);
  });

  test('a port is 1 to 65535, and the message names the flag', () => {
    assert.equal(parsePort('1'), 1);
    assert.equal(parsePort(65_535), 65_535);
    for (const bad of ['0', '65536', 'http', '80.5']) {
      assert.throws(() => parsePort(bad, '--port'), /^H2SetupError: --port ".*" is not a port; expected a whole number from 1 to 65535$/, bad);
    }
    assert.throws(() => parsePort('0', 'port', ' (or leave it out)'), /port "0" is not a port; .* \(or leave it out\)$/);
  });
});

test('displayPath: relative inside the base, as it is outside', () => {
  const base = join('/', 'home', 'you', 'demo');
  assert.equal(displayPath(join(base, 'index.ts:12:3'), base), 'index.ts:12:3');
  assert.equal(displayPath(join(base, 'certs', 'a.pem'), base), join('certs', 'a.pem'));
  assert.equal(displayPath(join('/', 'etc', 'a.pem'), base), join('/', 'etc', 'a.pem'));
  assert.equal(displayPath(base, base), base);
});

describe('colour', () => {
  test('on a terminal only, and never with NO_COLOR or TERM=dumb', () => {
    assert.equal(colourFor({ isTTY: true }, {}), true);
    assert.equal(colourFor({ isTTY: false }, {}), false);
    assert.equal(colourFor({}, {}), false);
    assert.equal(colourFor({ isTTY: true }, { NO_COLOR: '1' }), false);
    // https://no-color.org: an empty NO_COLOR does not count.
    assert.equal(colourFor({ isTTY: true }, { NO_COLOR: '' }), true);
    assert.equal(colourFor({ isTTY: true }, { TERM: 'dumb' }), false);
  });

  test('paint styles only when enabled', () => {
    assert.equal(paint('red', 'FAIL', false), 'FAIL');
    assert.equal(paint('red', 'FAIL', true), '\u001b[31mFAIL\u001b[39m');
  });
});
