/**
 * A task that runs one at a time, where a request made during a run is not
 * lost: it makes one more run once the current one ends (any number of
 * requests during a run make one). For reloads on SIGHUP: a second signal
 * that arrives while the first reload reads the files (an operator who
 * copied the key, signalled, then copied the certificate and signalled
 * again) is served by a reload that starts after it, and so reads the
 * files as they are after the last signal.
 *
 * The task reports its own failures; one that rejects anyway is an
 * unhandled rejection, as any async signal handler's would be.
 *
 * @example
 * process.on('SIGHUP', coalesced(reloadCertificate));
 */
export function coalesced(task: () => Promise<void>): () => void {
  let running = false;
  let again = false;
  const run = async (): Promise<void> => {
    running = true;
    try {
      do {
        again = false;
        await task();
      } while (again);
    } finally {
      running = false;
    }
  };
  return () => {
    if (running) again = true;
    else void run();
  };
}
