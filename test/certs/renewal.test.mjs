// The renewal rule shared by `certs --check` ("expiring soon") and `certs --renew`:
// less than a third of the lifetime left, and never more than 30 days before expiry.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { needsRenewal, RENEWAL_CAP_MS, renewalThresholdMs } from '../../dist/certs/profile/index.js';

const DAY = 86_400_000;
const at = (ms) => new Date(ms);
const start = Date.UTC(2026, 0, 1);

describe('needsRenewal', () => {
  test('a fresh short certificate (certs --days 10) is not due the moment it is made', () => {
    assert.equal(needsRenewal(at(start), at(start + 10 * DAY), at(start)), false);
    assert.equal(needsRenewal(at(start), at(start + 10 * DAY), at(start + 6 * DAY)), false);
  });

  test('a third of the lifetime left is the line for short certificates', () => {
    const notAfter = at(start + 30 * DAY); // third: 10 days
    assert.equal(renewalThresholdMs(at(start), notAfter), 10 * DAY);
    assert.equal(needsRenewal(at(start), notAfter, at(start + 20 * DAY - 1)), false, 'just over 10 days left');
    assert.equal(needsRenewal(at(start), notAfter, at(start + 20 * DAY + 1)), true, 'just under 10 days left');
  });

  test('never more than 30 days ahead, however long the certificate', () => {
    const notAfter = at(start + 825 * DAY); // a third would be 275 days
    assert.equal(renewalThresholdMs(at(start), notAfter), RENEWAL_CAP_MS);
    assert.equal(RENEWAL_CAP_MS, 30 * DAY);
    assert.equal(needsRenewal(at(start), notAfter, at(start + 700 * DAY)), false, '125 days left');
    assert.equal(needsRenewal(at(start), notAfter, at(start + 794 * DAY)), false, '31 days left');
    assert.equal(needsRenewal(at(start), notAfter, at(start + 796 * DAY)), true, '29 days left');
  });

  test('90 days: the cap (30) equals the third (30)', () => {
    const notAfter = at(start + 90 * DAY);
    assert.equal(needsRenewal(at(start), notAfter, at(start + 59 * DAY)), false);
    assert.equal(needsRenewal(at(start), notAfter, at(start + 61 * DAY)), true);
  });

  test('expired, and expiring this very moment, need renewal; so does a certificate with no lifetime', () => {
    assert.equal(needsRenewal(at(start), at(start + 10 * DAY), at(start + 11 * DAY)), true);
    assert.equal(needsRenewal(at(start), at(start + 10 * DAY), at(start + 10 * DAY)), true);
    assert.equal(needsRenewal(at(start), at(start), at(start - DAY)), true);
    assert.equal(needsRenewal(at(start), at(start - DAY), at(start - 2 * DAY)), true, 'notAfter before notBefore');
  });

  test('now defaults to the current time', () => {
    const now = Date.now();
    assert.equal(needsRenewal(at(now - DAY), at(now + 365 * DAY)), false);
    assert.equal(needsRenewal(at(now - 365 * DAY), at(now + DAY)), true);
  });
});
