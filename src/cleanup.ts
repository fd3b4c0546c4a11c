/**
 * Last-resort cleanup: what a run made (child processes, token folders, containers) is
 * removed also when the process is interrupted (Ctrl-C, SIGTERM) or exits without
 * running its orderly teardown. Cleanups registered here must be synchronous and safe to
 * run twice; orderly teardown unregisters them once done.
 */
const cleanups = new Set<() => void>();
let installed = false;

function runAll(): void {
  for (const cleanup of [...cleanups].reverse()) {
    cleanups.delete(cleanup);
    try {
      cleanup();
    } catch (error) {
      console.error(`cleanup failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', runAll);
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]] as const) {
    process.on(signal, () => {
      runAll();
      // A program with its own orderly shutdown for this signal (cardspec sim) ends itself.
      if (process.listenerCount(signal) === 1) process.exit(code);
    });
  }
}

/** Registers a cleanup; returns the function that unregisters it. */
export function onCleanup(cleanup: () => void): () => void {
  install();
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}
