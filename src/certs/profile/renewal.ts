/**
 * When a certificate is due for renewal: when less than a third of its lifetime is
 * left, but never earlier than 30 days before it expires. A flat "within 30 days"
 * would call a fresh `--days 10` certificate expiring soon the moment it is made;
 * a third of the lifetime scales with it (step-ca's `needs-renewal` uses the same
 * idea), and the 30-day cap keeps a two-year certificate from being renewed for months.
 */
import { DAY_MS } from './limits.js';

export const RENEWAL_CAP_MS = 30 * DAY_MS;

/** How long before notAfter a certificate with this validity counts as expiring soon. */
export function renewalThresholdMs(notBefore: Date, notAfter: Date): number {
  const lifetime = notAfter.getTime() - notBefore.getTime();
  return Math.min(Math.max(lifetime, 0) / 3, RENEWAL_CAP_MS);
}

/** True when the certificate has expired, expires within its renewal threshold, or has no lifetime at all. */
export function needsRenewal(notBefore: Date, notAfter: Date, now: Date = new Date()): boolean {
  if (notAfter.getTime() <= notBefore.getTime() || now.getTime() >= notAfter.getTime()) return true;
  return notAfter.getTime() - now.getTime() < renewalThresholdMs(notBefore, notAfter);
}
