// Shared benchmark helpers: alternate two commands, time each run's wall clock, and
// report medians and their ratio. Both arms run without NODE_EXTRA_CA_CERTS: set to
// the system bundle it adds ~40 ms to every Node 20 start, which would hide the
// CLI's own cost (and flatter the ratio).
import { spawnSync } from 'node:child_process';

export const cleanEnv = { ...process.env };
delete cleanEnv.NODE_EXTRA_CA_CERTS;

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Runs a command once and returns its wall time in ms; throws if it fails. */
export function timeOnce(command, args, options = {}) {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { env: cleanEnv, stdio: ['ignore', 'pipe', 'pipe'], ...options });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return ms;
}

/**
 * Alternates `subject` and `reference` (each a function returning ms) `runs` times
 * after `warmup` untimed rounds, and prints medians and the ratio against `goal`.
 */
export function compare({ name, subject, reference, runs = 30, warmup = 3, goal }) {
  for (let i = 0; i < warmup; i++) {
    subject(i);
    reference(i);
  }
  const a = [];
  const b = [];
  for (let i = 0; i < runs; i++) {
    // Alternate which goes first so drift (thermal, cache) hits both arms alike.
    if (i % 2) {
      a.push(subject(i));
      b.push(reference(i));
    } else {
      b.push(reference(i));
      a.push(subject(i));
    }
  }
  const ratio = median(a) / median(b);
  const verdict = ratio <= goal ? 'within goal' : 'OVER GOAL';
  // The mean ratio as a second opinion: where one arm's time is mostly random (RSA prime
  // search), the two medians move a lot from one run of the script to the next.
  const mean = (values) => values.reduce((sum, value) => sum + value, 0) / values.length;
  console.log(
    `${name}: median ${median(a).toFixed(1)} ms vs ${median(b).toFixed(1)} ms over ${runs} runs each; ratio ${ratio.toFixed(2)} (goal <= ${goal}, ${verdict}); ratio of means ${(mean(a) / mean(b)).toFixed(2)}`,
  );
  return ratio;
}
