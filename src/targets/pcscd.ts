import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { promisify } from 'node:util';
import { socketAnswers, startPcscd } from '../../core/daemons.js';
import { processEnded } from '../../core/proc.js';
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
 * Waits until the socket answers. Another process's pcscd gives no event this process
 * could wait on, so this asks every 20 ms, within `timeoutMs`.
 */
async function untilSocketAnswers(timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await socketAnswers(pcscdSocketPath()))) {
    if (Date.now() > deadline) throw new HarnessError(HarnessCodes.TIMEOUT, `pcscd did not start within ${timeoutMs} ms`);
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

/** pcscd's pid file, beside its socket. */
const pcscdPidFile = (): string => join(dirname(pcscdSocketPath()), 'pcscd.pid');

/** The pid in pcscd's pid file, or undefined when there is none. */
export function pcscdPid(): number | undefined {
  try {
    const pid = parseInt(readFileSync(pcscdPidFile(), 'utf8'), 10);
    return Number.isInteger(pid) && pid > 1 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * SIGTERM to pcscd `pid`, and waits until the process has ended, not only its socket: a
 * stopping pcscd closes its socket first and its readers after, and a pcscd started while
 * the old one still holds vpcd's ports gets no vpcd reader at all.
 */
async function stopPcscdProcess(pid: number): Promise<void> {
  try {
    process.kill(pid, 'SIGTERM');
  } catch (error) {
    // Ended already (the pid file outlived it): nothing to wait for.
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return;
    throw error;
  }
  const deadline = Date.now() + PCSCD_START_TIMEOUT_MS;
  while (!processEnded(pid)) {
    if (Date.now() > deadline) throw new HarnessError(HarnessCodes.TIMEOUT, `pcscd (pid ${pid}) did not stop within ${PCSCD_START_TIMEOUT_MS} ms`);
    await delay(10);
  }
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
    const pid = pcscdPid();
    if (pid === undefined) throw new HarnessError(HarnessCodes.MISSING_DEPENDENCY, `${pcscdPidFile()} names no pcscd process`);
    const settings = pcscdSettingsOf(pid);
    await stopPcscdProcess(pid);
    // Without --foreground pcscd forks into the background and outlives this run.
    await run('pcscd', [], { env: { ...process.env, ...settings } });
  }
  await untilSocketAnswers(PCSCD_START_TIMEOUT_MS);
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
      // A worker of this run that restarted pcscd started one outside this process (it took
      // this one for the system's): the run found none running, so it leaves none.
      const restarted = (await socketAnswers(pcscdSocketPath())) ? pcscdPid() : undefined;
      if (restarted !== undefined) await stopPcscdProcess(restarted);
    },
    restart: async () => {
      await daemon.stop();
      daemon = await start();
    },
  };
}
