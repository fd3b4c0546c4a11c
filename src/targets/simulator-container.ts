/**
 * The simulator image as a testcontainers module, in the manner of testcontainers'
 * PostgreSqlContainer: defaults in the constructor, fluent `withX(): this`, and a started
 * container with getters for what a host client needs. The container's /run/pcscd is a
 * host folder, so the host reaches pcscd, the PKCS#11 proxy and the control channel
 * through unix sockets in it.
 */
import { join } from 'node:path';
import { AbstractStartedContainer, GenericContainer, Wait, type StartedTestContainer } from 'testcontainers';
import { READY_LINE_PREFIX, SOCKET_NAMES } from '../../core/control/protocol.js';
import { DEFAULT_TOKEN_PINS } from '../../core/softhsm.js';

/** Where the container keeps its sockets (pcscd's fixed folder). */
export const CONTAINER_SOCKET_DIR = '/run/pcscd';
/** From `docker start` to the ready line: ~1 s here; a loaded CI machine gets room. */
export const DEFAULT_STARTUP_TIMEOUT_MS = 60_000;
/**
 * How long the simulator lives on after the host's last control connection closed
 * (HostWatch): long enough for a reconnect, short enough that a run killed with SIGKILL
 * leaves no container after 15 s.
 */
export const HOST_GRACE_MS = 2_000;

export class SimulatorContainer extends GenericContainer {
  private pins = { user: DEFAULT_TOKEN_PINS.userPin, so: DEFAULT_TOKEN_PINS.soPin };
  private loopbackQuickAck = false;

  /**
   * @param image the simulator image (built from containers/simulator/Dockerfile)
   * @param socketDir the host folder mounted on the container's /run/pcscd
   */
  constructor(
    image: string,
    private readonly socketDir: string,
  ) {
    super(image);
    this.withBindMounts([{ source: socketDir, target: CONTAINER_SOCKET_DIR, mode: 'rw' }])
      .withWaitStrategy(Wait.forLogMessage(READY_LINE_PREFIX))
      .withStartupTimeout(DEFAULT_STARTUP_TIMEOUT_MS);
    // Docker removes the container once the simulator exits, also when it exits by itself
    // because its host died (HostWatch): nothing else would, without Ryuk.
    this.hostConfig.AutoRemove = true;
  }

  withPins(userPin: string, soPin: string): this {
    this.pins = { user: userPin, so: soPin };
    return this;
  }

  /** `quickack 1` on the container's loopback route (adds the NET_ADMIN capability). */
  withLoopbackQuickAck(): this {
    this.loopbackQuickAck = true;
    this.withAddedCapabilities('NET_ADMIN');
    return this;
  }

  override async start(): Promise<StartedSimulatorContainer> {
    // The image's default command inserts a demo card; this one starts with empty readers
    // and no tokens: the control channel puts in what a run asks for.
    this.withCommand([
      '--user-pin', this.pins.user,
      '--so-pin', this.pins.so,
      '--exit-without-host', String(HOST_GRACE_MS),
      ...(this.loopbackQuickAck ? ['--loopback-quickack'] : []),
    ]);
    return new StartedSimulatorContainer(await super.start(), this.socketDir, this.imageName.string);
  }
}

export class StartedSimulatorContainer extends AbstractStartedContainer {
  constructor(
    startedTestContainer: StartedTestContainer,
    private readonly socketDir: string,
    /** The image it runs. */
    readonly image: string,
  ) {
    super(startedTestContainer);
  }

  getSocketDir(): string {
    return this.socketDir;
  }

  /** For PCSCLITE_CSOCK_NAME (the host's libpcsclite reads it at its first SCardEstablishContext). */
  getPcscdSocketPath(): string {
    return join(this.socketDir, SOCKET_NAMES.pcscd);
  }

  /** For PKCS11PROXY_SOCKET_PATH, read by caml-crush's libp11clientunix.so at C_Initialize. */
  getPkcs11ProxySocketPath(): string {
    return join(this.socketDir, SOCKET_NAMES.pkcs11Proxy);
  }

  getControlSocketPath(): string {
    return join(this.socketDir, SOCKET_NAMES.control);
  }
}
