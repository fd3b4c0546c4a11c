import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { promisify } from 'node:util';
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
  /** Stops pcscd and starts it again as it ran (root only); resolves once it answers. */
  restart(): Promise<void>;
}

/**
 * Waits until the socket answers (or stops answering). Another process's pcscd gives no
 * event this process could wait on, so this asks every 20 ms, within `timeoutMs`.
 */
async function untilSocket(answers: boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await socketAnswers(pcscdSocketPath())) !== answers) {
    if (Date.now() > deadline) throw new HarnessError(HarnessCodes.TIMEOUT, `pcscd did not ${answers ? 'start' : 'stop'} within ${timeoutMs} ms`);
    await delay(20);
  }
}

/** The variables of a pcscd's environment that change how it runs: its preloaded poll library (core/daemons.ts). */
const PCSCD_SETTINGS = ['LD_PRELOAD', 'CARDSPEC_PCSCD_POLL_MS'];

/** Those variables as process `pid` has them (from /proc; none when it cannot be read). */
function pcscdSettingsOf(pid: number): NodeJS.ProcessEnv {
  let environ: string;
  try {
    environ = readFileSync(`/proc/${pid}/environ`, 'latin1');
  } catch {
    return {};
  }
  const settings: NodeJS.ProcessEnv = {};
  for (const entry of environ.split('\0')) {
    const equals = entry.indexOf('=');
    const name = entry.slice(0, equals);
    if (equals > 0 && PCSCD_SETTINGS.includes(name)) settings[name] = entry.slice(equals + 1);
  }
  return settings;
}

/**
 * Restarts a pcscd this run did not start: SIGTERM to the pid in its pid file, then
 * started again the way the system runs it (systemd's unit, or the daemon itself with the
 * poll library it ran with), so it outlives the run as it did before.
 */
async function restartSystemPcscd(): Promise<void> {
  if (process.getuid?.() !== 0) throw new HarnessError(HarnessCodes.UNSUPPORTED, 'restarting pcscd needs root');
  const run = promisify(execFile);
  if (existsSync('/run/systemd/system')) {
    await run('systemctl', ['restart', 'pcscd.service']);
  } else {
    const pidFile = join(dirname(pcscdSocketPath()), 'pcscd.pid');
    const pid = parseInt(readFileSync(pidFile, 'utf8'), 10);
    if (!Number.isInteger(pid) || pid <= 1) throw new HarnessError(HarnessCodes.MISSING_DEPENDENCY, `${pidFile} names no pcscd process`);
    const settings = pcscdSettingsOf(pid);
    process.kill(pid, 'SIGTERM');
    await untilSocket(false, PCSCD_START_TIMEOUT_MS);
    // Without --foreground pcscd forks into the background and outlives this run.
    await run('pcscd', [], { env: { ...process.env, ...settings } });
  }
  await untilSocket(true, PCSCD_START_TIMEOUT_MS);
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
  if (await socketAnswers(pcscdSocketPath())) return { startedHere: false, stop: async () => undefined, restart: restartSystemPcscd };
  if (process.getuid?.() !== 0) {
    throw new HarnessError(
      HarnessCodes.MISSING_DEPENDENCY,
      `pcscd is not running (nothing answers on ${pcscdSocketPath()}): start it with \`sudo systemctl start pcscd.socket\` or \`sudo pcscd\``,
    );
  }
  // The simulator's way to start it (as in the container), its log not mixed into the run's output.
  const start = () => startPcscd(pcscdSocketPath(), PCSCD_START_TIMEOUT_MS, { output: 'ignore' });
  let daemon = await start();
  const unregister = onCleanup(() => daemon.child.kill('SIGTERM'));
  return {
    startedHere: true,
    stop: async () => {
      unregister();
      await daemon.stop();
    },
    restart: async () => {
      await daemon.stop();
      daemon = await start();
    },
  };
}
