/**
 * The daemons of the simulator container (pcscd with vpcd, `p11-kit server` over SoftHSM),
 * started as children of the control process, which waits for each to answer on its unix
 * socket (on file-system events of the socket's folder, not by sleeping) and stops them
 * with it.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chmod, existsSync, watch as watchFolder, type FSWatcher } from 'node:fs';
import { connect } from 'node:net';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import { HarnessCodes, HarnessError } from './errors.js';
import type { StackVersions } from './control/protocol.js';
import { SOFTHSM_MODULE } from './softhsm.js';

const run = promisify(execFile);

export interface Daemon {
  readonly name: string;
  readonly child: ChildProcess;
  /** Resolves when the daemon exits, whoever stopped it. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<void>;
}

/** Whether something accepts connections on the unix socket. */
export function socketAnswers(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(socketPath);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Starts `command` and resolves once it answers on `socketPath`; rejects when it exits
 * first or does not answer within `timeoutMs`. Its output goes to this process's (the
 * container's log) unless `output` is 'ignore'.
 */
export async function startDaemon(
  name: string,
  command: string,
  args: string[],
  socketPath: string,
  options: { env?: NodeJS.ProcessEnv; timeoutMs: number; output?: 'inherit' | 'ignore' },
): Promise<Daemon> {
  const output = options.output ?? 'inherit';
  const child = spawn(command, args, { stdio: ['ignore', output, output], env: options.env ?? process.env });
  // A child that could not be started emits 'error' and never 'exit': that is spawnError's case.
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  const daemon: Daemon = {
    name,
    child,
    exited,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
  const deadline = Date.now() + options.timeoutMs;
  const folder = dirname(socketPath);
  let done = false;
  const failed = Promise.race([
    spawnError.then((error) => new HarnessError(HarnessCodes.MISSING_DEPENDENCY, `${name}: cannot run ${command}: ${error.message}`)),
    exited.then(({ code, signal }) => new HarnessError(HarnessCodes.MISSING_DEPENDENCY, `${name} exited at start (${signal ?? `code ${code}`}); its log is above`)),
  ]);
  /** Ends the current wait (a change in the folder, the timer, or the end of startDaemon). */
  let stopWaiting: (() => void) | undefined;
  try {
    while (!(await socketAnswers(socketPath))) {
      const left = deadline - Date.now();
      if (left <= 0) throw new HarnessError(HarnessCodes.TIMEOUT, `${name} did not open ${socketPath} within ${options.timeoutMs} ms`);
      // Wake on a change in the socket's folder, or a bounded timer as a backstop; the
      // daemon's exit or spawn error ends the race through `failed`.
      const event = new Promise<void>((resolve) => {
        const timer = setTimeout(() => stopWaiting?.(), Math.min(left, 200));
        const watcher = watchNearest(folder, () => stopWaiting?.());
        stopWaiting = () => {
          stopWaiting = undefined;
          clearTimeout(timer);
          watcher?.close();
          resolve();
        };
      });
      const outcome = await Promise.race([event.then(() => undefined), failed]);
      if (outcome instanceof Error) throw outcome;
    }
    done = true;
    return daemon;
  } finally {
    stopWaiting?.();
    if (!done) await daemon.stop();
  }
}

/**
 * Watches `folder`, or its nearest existing parent while it does not exist yet (e.g.
 * /run/pcscd before pcscd makes it: the parent changes when it appears, and the next wait
 * watches the folder itself). Undefined when nothing can be watched: the timer alone wakes.
 */
function watchNearest(folder: string, onChange: () => void): FSWatcher | undefined {
  let dir = folder;
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
  try {
    // An error (the folder removed under the watch) only wakes the wait: the next one watches anew.
    return watchFolder(dir, onChange).once('error', onChange);
  } catch {
    // Gone in between, no permission, or no inotify watches left.
    return undefined;
  }
}

/**
 * pcscd in the foreground, with the readers of /etc/reader.conf.d (vpcd). Its socket is
 * /run/pcscd/pcscd.comm whatever the environment says. Its log goes to this process's
 * output unless `output` is 'ignore' (the harness on a host).
 */
export async function startPcscd(socketPath: string, timeoutMs: number, options: { output?: 'inherit' | 'ignore' } = {}): Promise<Daemon> {
  // pcscd built with polkit (Debian 13's 2.x) asks polkitd, which a container lacks, and
  // refuses every client: the socket's folder is the access control here.
  const help = await run('pcscd', ['--help']).then(
    ({ stdout, stderr }) => `${stdout}${stderr}`,
    (error: { stdout?: string; stderr?: string }) => `${error.stdout ?? ''}${error.stderr ?? ''}`,
  );
  const polkit = help.includes('--disable-polkit') ? ['--disable-polkit'] : [];
  return startDaemon('pcscd', 'pcscd', ['--foreground', '--error', ...polkit], socketPath, { timeoutMs, ...options });
}

/**
 * `p11-kit server` over SoftHSM on `socketPath`, serving every token (URI `pkcs11:`) to
 * p11-kit-client.so on the host. Its socket is made usable by any host user (the container
 * runs as root; the folder is the host's temporary folder of this run).
 */
export async function startP11KitServer(socketPath: string, softHsmConf: string, timeoutMs: number): Promise<Daemon> {
  const daemon = await startDaemon('p11-kit server', 'p11-kit', ['server', '--foreground', '--provider', SOFTHSM_MODULE, '--name', socketPath, 'pkcs11:'], socketPath, {
    env: { ...process.env, SOFTHSM2_CONF: softHsmConf },
    timeoutMs,
  });
  await promisify(chmod)(socketPath, 0o777);
  return daemon;
}

async function versionOf(command: string, args: string[], pattern: RegExp): Promise<string> {
  try {
    const { stdout, stderr } = await run(command, args);
    return pattern.exec(`${stdout}\n${stderr}`)?.[1] ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** The versions of the stack, for the ready line and for messages about mismatches with the host. */
export async function stackVersions(): Promise<StackVersions> {
  const [pcscLite, softhsm, p11kit] = await Promise.all([
    versionOf('pcscd', ['--version'], /version ([\d.]+\d)/),
    versionOf('softhsm2-util', ['--version'], /([\d.]+\d)/),
    // p11-kit has no --version; the Debian package says it.
    versionOf('dpkg-query', ['--show', '--showformat=${Version}', 'p11-kit'], /^([\d.]+\d)/),
  ]);
  return { pcscLite, p11kit, softhsm, node: process.version };
}
