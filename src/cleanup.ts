/**
 * Last-resort cleanup: what a run made (child processes, token folders, containers) is
 * removed also when the process is interrupted (Ctrl-C, SIGTERM) or exits without
 * running its orderly teardown. Cleanups registered here must be synchronous and safe to
 * run twice; orderly teardown unregisters them once done.
 */
import { rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { makeOwnedTempDir } from '../core/owned-dirs.js';

const cleanups = new Set<() => void>();
let installed = false;
let endsItself = false;

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
      if (!endsItself) process.exit(code);
    });
  }
}

/**
 * Declares that this program ends itself on SIGINT and SIGTERM (cardspec sim's orderly
 * shutdown): the cleanups still run at once, but the process is not exited here. Other
 * libraries' signal listeners (signal-exit, loaded by testcontainers) do not count.
 */
export function endsItselfOnSignals(): void {
  endsItself = true;
}

/** Registers a cleanup; returns the function that unregisters it. */
export function onCleanup(cleanup: () => void): () => void {
  install();
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

/** A folder of the run's (removed at exit or on a signal, or by `remove`). */
export interface RunFolder {
  readonly dir: string;
  /** Removes it now, and forgets the last-resort removal. */
  remove(): Promise<void>;
}

/**
 * A new folder of `kind` owned by this process (core/owned-dirs.ts: the next run removes
 * it if this one is killed) and removed when this one exits or is interrupted.
 */
export async function runFolder(kind: string): Promise<RunFolder> {
  const dir = await makeOwnedTempDir(kind);
  const unregister = onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  return {
    dir,
    remove: async () => {
      unregister();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
