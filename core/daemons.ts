/**
 * The daemons of the simulator container (pcscd with vpcd, caml-crush's pkcs11proxyd over SoftHSM),
 * started as children of the control process, which waits for each to answer on its unix
 * socket (on file-system events of the socket's folder, not by sleeping) and stops them
 * with it.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, watch as watchFolder, type FSWatcher } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { HarnessCodes, HarnessError } from './errors.js';
import { PKCS11_PROXY_MODULE_ALIAS, type StackVersions } from './control/protocol.js';
import { SOFTHSM_MODULE } from './softhsm.js';

const run = promisify(execFile);

/** Written by containers/simulator/Dockerfile: the caml-crush package the proxy comes from. */
export const PKCS11_PROXY_VERSION_FILE = '/opt/cardspec/caml-crush.version';

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
 * pcscd's poll library (native/pcscd_poll.c): a vpcd card inserted or removed shows in
 * 20 ms instead of pcscd's 400 ms poll. Installed here by scripts/start-pcscd.sh and by
 * the container image; pcscd runs without it where it is missing, only slower to see
 * card events.
 */
const PCSCD_POLL_LIBRARY = '/usr/local/lib/cardspec/pcscd-poll.so';

/** pcscd's environment: this process's, with the poll library preloaded where it is installed. */
function pcscdEnvironment(): NodeJS.ProcessEnv {
  return existsSync(PCSCD_POLL_LIBRARY) ? { ...process.env, LD_PRELOAD: PCSCD_POLL_LIBRARY } : process.env;
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
  return startDaemon('pcscd', 'pcscd', ['--foreground', '--error', ...polkit], socketPath, { timeoutMs, env: pcscdEnvironment(), ...options });
}

/**
 * caml-crush's filter configuration: SoftHSM under its alias and no filtering rule, so
 * every mechanism and object passes as SoftHSM offers it (Debian's default filter.conf
 * forbids CKM_RSA_X_509 and admin operations; a test token needs them).
 */
export function pkcs11ProxyFilterConf(): string {
  return `modules = [("${PKCS11_PROXY_MODULE_ALIAS}", "${SOFTHSM_MODULE}")]\n`;
}

/**
 * pkcs11proxyd's netplex configuration: one unix socket any host user may open (the
 * folder is the host's temporary folder of one run), no TLS, a worker per connection
 * (caml-crush's conn_limit = 1: a client's PKCS#11 state lives in its worker).
 */
export function pkcs11ProxyConf(socketPath: string, filterConfPath: string, netplexDir: string): string {
  return `netplex {
  controller {
    max_level = "err";
    socket_directory = "${netplexDir}";
    logging { type = "stderr"; };
  };
  service {
    name = "cardspec PKCS#11 proxy";
    conn_limit = 1;
    protocol {
      name = "rpc_pkcs11";
      local_chmod = "0o777";
      address { type = "local"; path = "${socketPath}"; };
    };
    processor { type = "rpc_pkcs11"; filter_config = "${filterConfPath}"; use_ssl = false; };
    workload_manager {
      type = "dynamic";
      max_jobs_per_thread = 1;
      min_free_jobs_capacity = 1;
      max_free_jobs_capacity = 1;
      max_threads = 100;
    };
  }
}
`;
}

/**
 * caml-crush's `pkcs11proxyd` over SoftHSM on `socketPath`: the PKCS#11 bridge to the host
 * (libp11clientunix.so). It carries every mechanism with its parameters, where p11-kit's
 * RPC drops those not on its allow-list (CKM_EDDSA, the hashed RSA-PSS, CKM_SHA224):
 * docs/container.md has the measurements. Its configuration goes in `stateDir`.
 */
export async function startPkcs11Proxy(socketPath: string, softHsmConf: string, stateDir: string, timeoutMs: number): Promise<Daemon> {
  const filterConf = join(stateDir, 'pkcs11proxyd-filter.conf');
  const proxyConf = join(stateDir, 'pkcs11proxyd.conf');
  const netplexDir = join(stateDir, 'netplex');
  await mkdir(netplexDir, { recursive: true });
  await writeFile(filterConf, pkcs11ProxyFilterConf());
  await writeFile(proxyConf, pkcs11ProxyConf(socketPath, filterConf, netplexDir));
  return startDaemon('pkcs11proxyd', 'pkcs11proxyd', ['-fg', '-conf', proxyConf], socketPath, {
    env: { ...process.env, SOFTHSM2_CONF: softHsmConf },
    timeoutMs,
  });
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
  const [pcscLite, softhsm, pkcs11Proxy] = await Promise.all([
    versionOf('pcscd', ['--version'], /version ([\d.]+\d)/),
    versionOf('softhsm2-util', ['--version'], /([\d.]+\d)/),
    // pkcs11proxyd has no --version; the image writes caml-crush's Debian version there.
    readFile(PKCS11_PROXY_VERSION_FILE, 'utf8').then((text) => text.trim() || 'unknown', () => 'unknown'),
  ]);
  return { pcscLite, pkcs11Proxy, softhsm, node: process.version };
}
