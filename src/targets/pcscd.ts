import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { socketAnswers, startPcscd } from '../../core/daemons.js';
import { onCleanup } from '../cleanup.js';
import { HarnessCodes, HarnessError } from '../../core/errors.js';

/** Where libpcsclite finds pcscd (PCSCLITE_CSOCK_NAME overrides, as in the library). */
export function pcscdSocketPath(): string {
  return process.env.PCSCLITE_CSOCK_NAME ?? '/run/pcscd/pcscd.comm';
}

const READER_CONF_DIR = '/etc/reader.conf.d';
const PCSCD_START_TIMEOUT_MS = 10_000;

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
  // With systemd, connecting also starts a socket-activated pcscd.
  if (await socketAnswers(pcscdSocketPath())) return { startedHere: false, stop: async () => undefined };
  if (process.getuid?.() !== 0) {
    throw new HarnessError(
      HarnessCodes.MISSING_DEPENDENCY,
      `pcscd is not running (nothing answers on ${pcscdSocketPath()}): start it with \`sudo systemctl start pcscd.socket\` or \`sudo pcscd\``,
    );
  }
  // The simulator's way to start it (as in the container), its log not mixed into the run's output.
  const daemon = await startPcscd(pcscdSocketPath(), PCSCD_START_TIMEOUT_MS, { output: 'ignore' });
  const unregister = onCleanup(() => daemon.child.kill('SIGTERM'));
  return {
    startedHere: true,
    stop: async () => {
      unregister();
      await daemon.stop();
    },
  };
}
