import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, watch } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { onCleanup } from '../cleanup.js';
import { HarnessCodes, HarnessError } from '../errors.js';

/** Where libpcsclite finds pcscd (PCSCLITE_CSOCK_NAME overrides, as in the library). */
export function pcscdSocketPath(): string {
  return process.env.PCSCLITE_CSOCK_NAME ?? '/run/pcscd/pcscd.comm';
}

const READER_CONF_DIR = '/etc/reader.conf.d';
const PCSCD_START_TIMEOUT_MS = 10_000;

/** Whether a pcscd answers on its socket (with systemd, connecting also starts it). */
export function pcscdAnswers(socketPath = pcscdSocketPath()): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(socketPath);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Whether pcscd is configured with the vsmartcard vpcd driver (Debian package vsmartcard-vpcd). */
export function vpcdConfigured(): boolean {
  if (!existsSync(READER_CONF_DIR)) return false;
  return readdirSync(READER_CONF_DIR).some((f) => readFileSync(join(READER_CONF_DIR, f), 'utf8').includes('libifdvpcd'));
}

/** A pcscd this run started, and how to stop it. */
export interface ManagedPcscd {
  readonly startedHere: boolean;
  stop(): Promise<void>;
}

/**
 * Makes sure a pcscd with vpcd runs: uses the running one, or starts one (as root) and
 * stops it again at the end of the run.
 */
export async function ensurePcscd(): Promise<ManagedPcscd> {
  if (!vpcdConfigured()) {
    throw new HarnessError(
      HarnessCodes.MISSING_DEPENDENCY,
      `pcscd has no vpcd reader (no libifdvpcd entry in ${READER_CONF_DIR}): install the Debian package vsmartcard-vpcd and restart pcscd`,
    );
  }
  if (await pcscdAnswers()) return { startedHere: false, stop: async () => undefined };
  if (process.getuid?.() !== 0) {
    throw new HarnessError(
      HarnessCodes.MISSING_DEPENDENCY,
      `pcscd is not running (nothing answers on ${pcscdSocketPath()}): start it with \`sudo systemctl start pcscd.socket\` or \`sudo pcscd\``,
    );
  }
  return startPcscd();
}

async function startPcscd(): Promise<ManagedPcscd> {
  const socketPath = pcscdSocketPath();
  let child: ChildProcess;
  try {
    child = spawn('pcscd', ['--foreground'], { stdio: 'ignore' });
  } catch (error) {
    throw new HarnessError(HarnessCodes.MISSING_DEPENDENCY, 'pcscd could not be started: install the Debian package pcscd', { cause: error });
  }
  const unregister = onCleanup(() => child.kill('SIGTERM'));
  await waitForSocket(socketPath, child);
  return {
    startedHere: true,
    stop: async () => {
      unregister();
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Waits for pcscd's socket to accept connections, on file-system events of its folder. */
async function waitForSocket(socketPath: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + PCSCD_START_TIMEOUT_MS;
  const folder = dirname(socketPath);
  while (!(await pcscdAnswers(socketPath))) {
    if (child.exitCode !== null) {
      throw new HarnessError(HarnessCodes.MISSING_DEPENDENCY, `pcscd exited with code ${child.exitCode} at start: run \`pcscd -f -d\` to see why`);
    }
    const left = deadline - Date.now();
    if (left <= 0) throw new HarnessError(HarnessCodes.TIMEOUT, `pcscd did not open ${socketPath} within ${PCSCD_START_TIMEOUT_MS} ms`);
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        watcher?.close();
        child.off('exit', done);
        resolve();
      };
      // The folder may not exist yet: then the child's exit or the timer ends the wait.
      const watcher = existsSync(folder) ? watch(folder, done) : undefined;
      const timer = setTimeout(done, Math.min(left, 250));
      child.once('exit', done);
    });
  }
}
