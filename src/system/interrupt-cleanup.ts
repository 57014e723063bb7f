/**
 * Removes what a run has half-made (temporary files, a lock) when the user interrupts it.
 * Without a listener Node dies on SIGINT/SIGTERM/SIGHUP at once, even in the middle of
 * writing a temporary private key, and leaves it behind. With one, the signal waits for the
 * synchronous code that is running to finish (staging and placing files is synchronous),
 * then the listener removes whatever is still registered and the process dies of the same
 * signal, so the parent sees what it sent.
 */
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const pending = new Set<() => void>();

function onSignal(signal: NodeJS.Signals): void {
  for (const cleanup of [...pending]) {
    try {
      cleanup();
    } catch {
      // already gone
    }
  }
  pending.clear();
  uninstall();
  // Another part of h2-setup may handle this signal itself (verify does); only re-raise when
  // nobody else listens, so the default action (death by the signal) takes place.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function install(): void {
  for (const signal of SIGNALS) process.on(signal, onSignal);
}

function uninstall(): void {
  for (const signal of SIGNALS) process.off(signal, onSignal);
}

/** Runs `cleanup` if the process is interrupted before the returned function is called. */
export function cleanUpOnInterrupt(cleanup: () => void): () => void {
  if (pending.size === 0) install();
  pending.add(cleanup);
  return () => {
    pending.delete(cleanup);
    if (pending.size === 0) uninstall();
  };
}
