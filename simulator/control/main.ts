/**
 * The simulator container's entry point: starts pcscd with the vpcd readers, caml-crush's
 * pkcs11proxyd over SoftHSM and the control channel, all with sockets in /run/pcscd (which the
 * host bind-mounts); puts in the cards and makes the tokens asked for; prints one line
 * starting "cardspec-simulator ready" when all answer; restarts pcscd when the control
 * channel asks (restart-pcscd); stops everything on SIGTERM/SIGINT, or when a daemon stops
 * unasked.
 *
 *   node dist/simulator/control/main.js [--card PROFILE]... [--token LABEL]...
 *        [--user-pin 1234] [--so-pin 5678] [--slots 2] [--loopback-quickack]
 *        [--exit-without-host MS]
 *
 * --exit-without-host: stop MS after the last control connection closed (or when none
 * came within HOST_FIRST_CONTACT_MS of the ready line): the host that started the
 * container keeps one open for its run, so its death (even by SIGKILL) stops the simulator.
 *
 * --loopback-quickack sets `quickack 1` on the container's loopback route (needs the
 * NET_ADMIN capability): vpcd's delayed-ACK stall then goes for every socket, not only
 * the card's re-armed one.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { startPcscd, startPkcs11Proxy, stackVersions, type Daemon } from '../../core/daemons.js';
import { READY_LINE_PREFIX, SOCKET_NAMES } from '../../core/control/protocol.js';
import { HostWatch } from './host-watch.js';
import { ControlServer } from './server.js';
import { DEFAULT_TOKEN_PINS, SoftHsmTokenStore, writeSoftHsmConf } from '../../core/softhsm.js';
import { vpcdReaderName } from '../../core/vpcd.js';

/** pcscd 1.9.9 keeps its socket here whatever PCSCLITE_CSOCK_NAME says; the other sockets join it. */
const SOCKET_DIR = '/run/pcscd';
const STATE_DIR = '/var/lib/cardspec';
const DAEMON_START_TIMEOUT_MS = 15_000;
/** The host connects within milliseconds of the ready line; this leaves room for a loaded machine. */
const HOST_FIRST_CONTACT_MS = 10_000;

async function setLoopbackQuickAck(): Promise<void> {
  try {
    await promisify(execFile)('ip', ['route', 'change', 'local', '127.0.0.0/8', 'dev', 'lo', 'table', 'local', 'quickack', '1']);
    console.log('loopback route: quickack 1');
  } catch (error) {
    const { stderr } = error as { stderr?: string };
    console.error(`loopback route: quickack not set (the container needs --cap-add NET_ADMIN): ${stderr?.trim() || String(error)}`);
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      card: { type: 'string', multiple: true, default: [] },
      token: { type: 'string', multiple: true, default: [] },
      'user-pin': { type: 'string', default: DEFAULT_TOKEN_PINS.userPin },
      'so-pin': { type: 'string', default: DEFAULT_TOKEN_PINS.soPin },
      slots: { type: 'string', default: '2' },
      'loopback-quickack': { type: 'boolean', default: false },
      'exit-without-host': { type: 'string' },
    },
  });
  const hostGraceMs = values['exit-without-host'] === undefined ? undefined : Number(values['exit-without-host']);
  if (hostGraceMs !== undefined && !(Number.isInteger(hostGraceMs) && hostGraceMs >= 0)) {
    throw new Error(`--exit-without-host takes milliseconds, not "${values['exit-without-host']}"`);
  }
  const slotCount = Number(values.slots);
  if (!Number.isInteger(slotCount) || slotCount < 1) throw new Error(`--slots must be a positive integer, not "${values.slots}"`);
  if (values.card.length > slotCount) throw new Error(`${values.card.length} cards but ${slotCount} vpcd readers`);

  const daemons: Daemon[] = [];
  let server: ControlServer | undefined;
  let stopping = false;
  const hostWatch =
    hostGraceMs === undefined
      ? undefined
      : new HostWatch({
          graceMs: hostGraceMs,
          firstContactMs: HOST_FIRST_CONTACT_MS,
          onHostGone: (reason) => {
            console.error(`${reason}: the host is gone, the simulator stops`);
            void stop(0);
          },
        });
  const stop = async (code: number): Promise<never> => {
    if (!stopping) {
      stopping = true;
      hostWatch?.stop();
      await server?.close().catch(() => undefined);
      for (const daemon of daemons.reverse()) await daemon.stop().catch(() => undefined);
    }
    process.exit(code);
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => void stop(0));

  try {
    if (values['loopback-quickack']) await setLoopbackQuickAck();
    const softHsmConf = join(STATE_DIR, 'softhsm2.conf');
    const [versions] = await Promise.all([stackVersions(), writeSoftHsmConf(softHsmConf, join(STATE_DIR, 'tokens'))]);
    // pcscd's environment (pcscdEnvironment: the poll library) is startPcscd's: a restart starts it the same way.
    const startContainerPcscd = () => startPcscd(join(SOCKET_DIR, SOCKET_NAMES.pcscd), DAEMON_START_TIMEOUT_MS);
    const [pcscd, pkcs11Proxy] = await Promise.all([
      startContainerPcscd(),
      startPkcs11Proxy(join(SOCKET_DIR, SOCKET_NAMES.pkcs11Proxy), softHsmConf, STATE_DIR, DAEMON_START_TIMEOUT_MS),
    ]);
    daemons.push(pcscd, pkcs11Proxy);
    /** Daemons stopped on purpose (a pcscd restart asked for on the control channel): their exit is no failure. */
    const stoppedOnPurpose = new Set<Daemon>();
    const stopWithDaemon = (daemon: Daemon): void => {
      void daemon.exited.then(({ code, signal }) => {
        if (stopping || stoppedOnPurpose.has(daemon)) return;
        console.error(`${daemon.name} stopped (${signal ?? `code ${code}`}): the simulator stops too`);
        void stop(1);
      });
    };
    daemons.forEach(stopWithDaemon);
    const restartPcscd = async (): Promise<void> => {
      const index = daemons.findIndex((daemon) => daemon.name === 'pcscd');
      const old = daemons[index]!;
      stoppedOnPurpose.add(old);
      await old.stop();
      console.log('pcscd stopped on request; starting it again');
      const fresh = await startContainerPcscd();
      daemons[index] = fresh;
      stopWithDaemon(fresh);
    };
    const tokens = new SoftHsmTokenStore(softHsmConf);
    server = new ControlServer({
      socketPath: join(SOCKET_DIR, SOCKET_NAMES.control),
      slotCount,
      tokens,
      versions,
      restartPcscd,
      ...(hostWatch ? { connectionObserver: hostWatch } : {}),
    });
    await server.listen();
    for (const [slot, name] of values.card.entries()) {
      const inserted = await server.handle({ op: 'insert', slot, profile: { name } });
      console.log(`card ${inserted.profile} in "${inserted.reader}"`);
    }
    for (const label of values.token) {
      await server.handle({ op: 'token', label, userPin: values['user-pin'], soPin: values['so-pin'] });
      console.log(`token "${label}"`);
    }
    const readers = Array.from({ length: slotCount }, (_, slot) => `"${vpcdReaderName(slot)}"`);
    console.log(
      `${READY_LINE_PREFIX}: pcsc-lite ${versions.pcscLite}, caml-crush ${versions.pkcs11Proxy}, SoftHSM ${versions.softhsm}, Node ${versions.node}; ` +
        `readers ${readers.join(', ')}; sockets in ${SOCKET_DIR}: ${Object.values(SOCKET_NAMES).join(', ')}`,
    );
    hostWatch?.start();
  } catch (error) {
    console.error(`cardspec-simulator: ${error instanceof Error ? error.message : String(error)}`);
    await stop(1);
  }
}

void main();
