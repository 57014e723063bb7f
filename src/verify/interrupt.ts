/**
 * The program runs detached (a session of its own), so the terminal's Ctrl-C reaches only the
 * verifier. While it runs, this takes it down with us: on SIGINT/SIGTERM `stop` runs, then
 * the signal is raised again so the verifier ends the way it was asked to (exit status
 * included); on a plain process exit `stop` runs too.
 *
 * Install it before the program is spawned: JavaScript runs to completion, so no signal
 * handler can run between installing and spawning, and there is no moment in which the
 * program exists and a Ctrl-C would end only the verifier.
 */
export function stopOnInterrupt(stop: () => void): () => void {
  const onExit = () => stop();
  const onSignal = (signal: NodeJS.Signals) => {
    release();
    stop();
    // Raised again with no handler of ours left: this process ends before any finally runs.
    process.kill(process.pid, signal);
  };
  function release() {
    process.off('exit', onExit);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  process.on('exit', onExit);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return release;
}
