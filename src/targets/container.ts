import { OncePerKey } from '../../core/once-per-key.js';
import { execFile, execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { promisify } from 'node:util';
import type { ControlClient } from '../../core/control/client.js';
import type { StartedSimulatorContainer } from './simulator-container.js';
import { PKCS11_PROXY_MODULE_ALIAS, type ProfileSource, type StackVersions } from '../../core/control/protocol.js';
import { DEFAULT_TOKEN_PINS } from '../../core/softhsm.js';
import { DEFAULT_PROFILE, ProfileCache } from '../../core/profile/index.js';
import { vpcdReaderName } from '../../core/vpcd.js';
import { onCleanup } from '../cleanup.js';
import { HarnessCodes, HarnessError } from '../../core/errors.js';
import type { FaultPlan } from '../../core/faults.js';
import { makeOwnedTempDir, removeStaleTempDirsOnce } from '../../core/owned-dirs.js';
import { PcscContext, type CardConnection } from '../pcsc/client.js';
import type { ApduTrace } from '../trace/trace.js';
import { CARD_EVENT_TIMEOUT_MS, CardFlow } from './card-flow.js';
import { RenewablePcscContext } from './renewable-pcsc.js';
import { makeOpenSslKeysAhead, stopMakingKeysOfRun } from '../crypto/openssl-keys.js';
import type { KeyPlan } from '../pkcs11/key-plan.js';
import { SeedsAhead } from '../pkcs11/seed-maker.js';
import { workerIndex } from './simulator.js';
import type { TokenAccess } from '../pkcs11/token.js';
import type { Target } from './target.js';
import { CardTokens, type TokenBackend, type TokenCardReader } from './token-card.js';

import { userModuleCode } from './user-module.js';
import { ensureSimulatorImage, imageExists } from './container-image.js';
import { baseImageFor, hostPcscClient, hostPcscLiteVersion, pkcs11ProxyClientModule, profileSource, type HostPcscClient } from './container-host.js';
import { formatProtocol, parsePcscLiteVersion, speechOf, understands } from './pcsc-protocol.js';

const run = promisify(execFile);

const DOCKER_RM_TIMEOUT_MS = 30_000;

/**
 * Docker's "no such container" (HTTP 404) or "removal already in progress" (409, the
 * container's AutoRemove): the container is gone or going, which is what was wanted.
 */
function ignoreGone(error: unknown): void {
  const status = (error as { statusCode?: unknown }).statusCode;
  if (status === 404 || status === 409) return;
  throw error;
}

/**
 * Leaves testcontainers' reaper (Ryuk) on where its image is on this machine (it removes
 * the containers of a killed run as well); where it is not, a start would try to pull it
 * and fail offline, so it is switched off and the simulator's HostWatch does the job alone.
 * A TESTCONTAINERS_RYUK_DISABLED the user set is kept.
 */
async function chooseReaper(): Promise<void> {
  if (process.env.TESTCONTAINERS_RYUK_DISABLED !== undefined) return;
  const { REAPER_IMAGE } = (await import('testcontainers/build/reaper/reaper.js')) as { REAPER_IMAGE: string };
  const present = await imageExists(REAPER_IMAGE);
  if (!present) process.env.TESTCONTAINERS_RYUK_DISABLED = 'true';
}

/** Resolves once Docker has removed the container (its AutoRemove runs after it stops). */
async function waitUntilRemoved(id: string): Promise<void> {
  const { getContainerRuntimeClient } = await import('testcontainers');
  const client = await getContainerRuntimeClient();
  await client.container.getById(id).wait({ condition: 'removed' }).catch(ignoreGone);
}

/**
 * Refuses a container whose pcscd the host's libpcsclite cannot talk to (a base chosen
 * with CARDSPEC_BASE_IMAGE), before any PC/SC call: SCardEstablishContext
 * would only answer SCARD_E_SERVICE_STOPPED.
 */
export function checkPcscProtocols(host: HostPcscClient, containerPcscLite: string, image: string): void {
  const parsed = parsePcscLiteVersion(containerPcscLite);
  if (!host.speech || !parsed) return;
  const daemon = speechOf(parsed);
  if (understands(host.speech, daemon)) return;
  throw new HarnessError(
    HarnessCodes.MISSING_DEPENDENCY,
    `the container's pcscd (pcsc-lite ${containerPcscLite}, PC/SC protocol ${formatProtocol(daemon.protocol)}, image ${image}) cannot serve the host's libpcsclite ` +
      `(${host.version}, protocol ${formatProtocol(host.speech.protocol)}): unset CARDSPEC_BASE_IMAGE so that cardspec picks ${baseImageFor(host, undefined)}, or install the matching libpcsclite1 on the host`,
  );
}

/**
 * The simulator image for this host: built (or reused) on the Debian suite whose pcscd the
 * host's libpcsclite speaks to, unless CARDSPEC_BASE_IMAGE names the base.
 */
export async function ensureHostImage(host?: HostPcscClient, onOutput?: (line: string) => void): Promise<{ tag: string; built: boolean }> {
  return ensureSimulatorImage({ baseImage: baseImageFor(host ?? (await hostPcscClient())), onOutput });
}

/** Labels on every container this target starts, so `docker ps --filter label=...` finds them. */
export const CONTAINER_LABELS = { project: 'org.cardspec.project', run: 'org.cardspec.run', worker: 'org.cardspec.worker' } as const;

export interface ContainerOptions {
  defaultCard?: string | undefined;
  /** `quickack 1` on the container's loopback route (NET_ADMIN): see the latency notes. */
  loopbackQuickAck?: boolean;
  userPin?: string;
  soPin?: string;
  /** Where PKCS#11 tokens come from (default softhsm); `piv`: a virtual PIV card in the container's second reader, through the host's OpenSC. */
  tokenBackend?: TokenBackend | undefined;
  /** The lines of `docker build` when the image has to be built (a cold build takes minutes). */
  onImageBuildOutput?: (line: string) => void;
}

/**
 * The simulator in a container: pcscd with vpcd, the project's virtual cards and SoftHSM
 * behind caml-crush's pkcs11proxyd, in an image built from containers/simulator/Dockerfile
 * and started with testcontainers, one container per worker. The host reaches pcscd and
 * the PKCS#11 proxy through sockets in a bind-mounted folder; cards and tokens move on the
 * container's control channel (simulator/control/).
 */
export class ContainerTarget implements Target {
  readonly name = 'container';
  readonly canMoveCards = true;
  private readonly contexts = new RenewablePcscContext('container');
  private container: StartedSimulatorContainer | undefined;
  private control: ControlClient | undefined;
  private socketDir: string | undefined;
  private unregisterCleanup: (() => void) | undefined;
  private containerName: string | undefined;
  private versions: StackVersions | undefined;
  /** Whether the container's reader holds a card (the control server's answer). */
  private inserted = false;
  /** A fault was set: the card may have left the reader on its own (removal during an APDU). */
  private faultsSet = false;
  private readonly slot = 0;
  private readonly readerName = vpcdReaderName(0);
  private readonly cards: CardFlow<ProfileSource>;
  private readonly profiles = new ProfileCache();
  private readonly userPin: string;
  private readonly soPin: string;
  private readonly tokens = new OncePerKey((label) => this.makeToken(label));
  /** The RSA keys the run will ask for (makeKeysAhead), made once the container runs. */
  private keyPlan: KeyPlan | undefined;
  private readonly seedsAhead = new SeedsAhead();
  private tokenCards: CardTokens | undefined;
  /** The token card's reader: the container's second vpcd reader (the first is the APDU steps'). */
  private readonly tokenSlot = 1;

  constructor(private readonly options: ContainerOptions = {}) {
    this.userPin = options.userPin ?? DEFAULT_TOKEN_PINS.userPin;
    this.soPin = options.soPin ?? DEFAULT_TOKEN_PINS.soPin;
    // The control server keeps the card taken out (reinsert) and replaces a card still in
    // the reader on insert; `inserted` follows its answers.
    this.cards = new CardFlow<ProfileSource>(
      {
        inserted: () => this.inserted,
        replace: async (profile) => {
          await this.client.request({ op: 'replace', slot: this.slot, profile });
        },
        insert: async (profile) => {
          this.inserted = (await this.client.request({ op: 'insert', slot: this.slot, profile })).inserted;
        },
        remove: async () => {
          this.inserted = (await this.client.request({ op: 'remove', slot: this.slot })).inserted;
        },
        reinsert: async () => {
          this.inserted = (await this.client.request({ op: 'reinsert', slot: this.slot })).inserted;
        },
      },
      this.readerName,
      () => this.pcsc,
    );
  }

  get pcsc(): PcscContext {
    return this.contexts.context;
  }

  /** The started container (after start), for `cardspec sim` and tests. */
  get started(): StartedSimulatorContainer {
    if (!this.container) throw new HarnessError(HarnessCodes.NOT_STARTED, 'the container target is not started');
    return this.container;
  }

  get stackVersions(): StackVersions | undefined {
    return this.versions;
  }

  /**
   * Picks or builds the image that speaks the host's PC/SC protocol, prepares the socket
   * folder (removed on any exit), starts the container, connects the control channel and
   * opens PC/SC through the container's pcscd. A failure anywhere stops what was started.
   */
  async start(): Promise<void> {
    const host = await hostPcscClient();
    const image = (await ensureHostImage(host, this.options.onImageBuildOutput)).tag;
    const name = `cardspec-simulator-${randomUUID().slice(0, 8)}`;
    const socketDir = await this.prepareSocketDir(name);
    try {
      this.container = await this.startContainer(image, name, socketDir);
      await this.connectControl(this.container);
      checkPcscProtocols(host, this.versions!.pcscLite, image);
      // libpcsclite reads this once, at the process's first SCardEstablishContext: no
      // PC/SC context may be opened in this process before the container target's.
      process.env.PCSCLITE_CSOCK_NAME = this.container.getPcscdSocketPath();
      this.contexts.use(this.openPcsc());
      const backend = this.options.tokenBackend;
      if (backend !== undefined && backend !== 'softhsm') this.tokenCards = new CardTokens(this.tokenCardReader(), () => this.pcsc, { backend, userPin: this.userPin, soPin: this.soPin });
      else if (this.keyPlan) this.startMakingKeysAhead(this.keyPlan);
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  /** The folder mounted on the container's /run/pcscd; a run cut short removes it and the container. */
  private async prepareSocketDir(containerName: string): Promise<string> {
    removeStaleTempDirsOnce();
    const socketDir = await makeOwnedTempDir('container');
    this.socketDir = socketDir;
    this.containerName = containerName;
    this.unregisterCleanup = onCleanup(() => {
      this.seedsAhead.stopSync();
      try {
        execFileSync('docker', ['rm', '--force', '--volumes', containerName], { stdio: 'ignore', timeout: DOCKER_RM_TIMEOUT_MS });
      } catch {
        // Never created, or gone already.
      }
      rmSync(socketDir, { recursive: true, force: true });
    });
    return socketDir;
  }

  /** Starts the container and waits for its ready line; a failure names the cause and the container's last log lines. */
  private async startContainer(image: string, name: string, socketDir: string): Promise<StartedSimulatorContainer> {
    await chooseReaper();
    // CARDSPEC_RUN_ID lets a caller (CI, a test) find the containers of one run by label.
    const runId = process.env.CARDSPEC_RUN_ID ?? randomUUID();
    const { SimulatorContainer } = await import('./simulator-container.js');
    const logTail: string[] = [];
    const container = new SimulatorContainer(image, socketDir)
      .withName(name)
      .withLabels({ [CONTAINER_LABELS.project]: 'cardspec', [CONTAINER_LABELS.run]: runId, [CONTAINER_LABELS.worker]: String(workerIndex()) })
      .withPins(this.userPin, this.soPin)
      .withLogConsumer((stream) => {
        stream.on('data', (line: Buffer | string) => {
          // A card module's errors (simulator/card/user-module.ts) belong in the run's output.
          if (String(line).includes('cardspec: card module error')) console.error(String(line).trimEnd());
          logTail.push(String(line).trimEnd());
          if (logTail.length > 20) logTail.shift();
        });
      });
    if (this.options.loopbackQuickAck) container.withLoopbackQuickAck();
    try {
      return await container.start();
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const log = logTail.length ? `\ncontainer log:\n${logTail.join('\n')}` : '';
      // testcontainers' wait strategy says "not received after N ms" when time ran out;
      // anything else means the container could not start or stopped before it was ready.
      const timedOut = /not received after \d+ ?ms/.test(reason);
      throw new HarnessError(
        timedOut ? HarnessCodes.TIMEOUT : HarnessCodes.MISSING_DEPENDENCY,
        `the simulator container (${image}) ${timedOut ? 'did not become ready in time' : 'did not start'}: ${reason}${log}`,
        { cause: error },
      );
    }
  }

  /** The control channel; the container stops by itself once this connection is gone (a killed host). */
  private async connectControl(container: StartedSimulatorContainer): Promise<void> {
    const { ControlClient } = await import('../../core/control/client.js');
    this.control = await ControlClient.connect(container.getControlSocketPath());
    this.versions = (await this.control.request({ op: 'status' })).versions;
  }

  private openPcsc(): PcscContext {
    let context: PcscContext | undefined;
    try {
      context = PcscContext.open();
      const readers = context.listReaders().map((r) => r.name);
      if (!readers.includes(this.readerName)) {
        throw new HarnessError(HarnessCodes.UNKNOWN_READER, `the container's pcscd has no reader "${this.readerName}" (readers: ${readers.join(', ') || 'none'})`);
      }
      return context;
    } catch (error) {
      context?.close();
      if ((error as { code?: string }).code === 'SCARD_E_SERVICE_STOPPED') {
        throw new HarnessError(
          HarnessCodes.MISSING_DEPENDENCY,
          `the host's libpcsclite (${hostPcscLiteVersion()}) and the container's pcscd (pcsc-lite ${this.versions?.pcscLite ?? 'unknown'}) speak different ` +
            'protocol versions (SCARD_E_SERVICE_STOPPED): build the image on a base with the host\'s pcsc-lite (CARDSPEC_BASE_IMAGE=...), or install the matching libpcsclite1 on the host',
          { cause: error },
        );
      }
      throw error;
    }
  }

  beginScenario(): void {
    // A fresh card and token session per scenario: nothing to guard.
    this.tokenCards?.beginScenario();
  }

  /** The container's second reader, filled through the control channel; the host's OpenSC reaches it through the bind-mounted pcscd socket. */
  private tokenCardReader(): TokenCardReader {
    const slot = this.tokenSlot;
    return {
      reader: vpcdReaderName(slot),
      put: async (profile) => (await this.client.request({ op: 'insert', slot, profile: profileSource(profile) })).replaced,
      close: async () => {
        if (this.control) await this.control.request({ op: 'remove', slot });
      },
    };
  }

  private get client(): ControlClient {
    if (!this.control) throw new HarnessError(HarnessCodes.NOT_STARTED, 'the container target is not started');
    return this.control;
  }

  /** A fresh card in the container's reader (see CardFlow.insert: swapped in behind the connection when one is there). */
  async insertCard(profile: string | undefined, trace: ApduTrace): Promise<CardConnection> {
    const nameOrPath = profile ?? this.options.defaultCard ?? DEFAULT_PROFILE;
    // Checked here, so a mistake names the host's file, not the container's copy.
    const module = await userModuleCode(this.profiles.get(nameOrPath));
    await this.refreshAfterFaults();
    this.contexts.closeRetired();
    return this.cards.insert(profileSource(nameOrPath, module), trace);
  }

  /** After faults, asks the container whether its card is still in the reader. */
  private async refreshAfterFaults(): Promise<void> {
    if (!this.faultsSet) return;
    this.faultsSet = false;
    const status = await this.client.request({ op: 'status' });
    this.inserted = status.slots[this.slot]?.inserted ?? false;
  }

  async removeCard(): Promise<void> {
    return this.cards.remove();
  }

  async reinsertCard(trace: ApduTrace): Promise<CardConnection> {
    await this.refreshAfterFaults();
    return this.cards.reinsert(trace);
  }

  /**
   * Puts a card of `profile` in reader `slot` without connecting to it, and returns the
   * reader's name once pcscd reports the card (for `cardspec sim`, where other programs
   * connect).
   */
  async putCard(slot: number, profile: string): Promise<string> {
    const module = await userModuleCode(this.profiles.get(profile));
    const status = await this.client.request({ op: 'insert', slot, profile: profileSource(profile, module) });
    await this.pcsc.waitForCard(status.reader, CARD_EVENT_TIMEOUT_MS);
    return status.reader;
  }

  async addFaults(plan: FaultPlan): Promise<void> {
    this.faultsSet = true;
    await this.client.request({ op: 'faults', slot: this.slot, plan, clear: false });
  }

  /**
   * Restarts the container's pcscd (the control channel's restart-pcscd: the cards go back
   * in their readers) and speaks to the new one through the same bind-mounted socket. The
   * scenario's connection belonged to the old pcscd: its next APDU fails with
   * SCARD_E_NO_SERVICE. The tokens are pkcs11proxyd's, which runs on.
   */
  async restartPcscd(): Promise<void> {
    const { slots } = await this.client.request({ op: 'restart-pcscd' });
    this.inserted = slots[this.slot]?.inserted ?? false;
    this.contexts.renew();
    await this.cards.afterPcscdRestart();
  }

  /** Keeps the plan: the tokens are the container's, made once it runs (start). */
  makeKeysAhead(plan: KeyPlan): void {
    this.keyPlan = plan;
  }

  /** The container's tokens of the planned seeds, then the seeds, in a child process of this host; the OpenSSL keys too. */
  private startMakingKeysAhead(plan: KeyPlan): void {
    this.seedsAhead.start(plan.seeds, (label) => this.token(label));
    makeOpenSslKeysAhead(plan.opensslKeys);
  }

  /** A SoftHSM token in the container, made on first use, reached through caml-crush's client module. */
  token(label: string): Promise<TokenAccess> {
    if (this.tokenCards) return this.tokenCards.token(label);
    return this.tokens.get(label);
  }

  private async makeToken(label: string): Promise<TokenAccess> {
    const modulePath = await pkcs11ProxyClientModule(this.started.image);
    await this.client.request({ op: 'token', label, userPin: this.userPin, soPin: this.soPin });
    const env = { PKCS11PROXY_SOCKET_PATH: this.started.getPkcs11ProxySocketPath(), PKCS11PROXY_LIBNAME: PKCS11_PROXY_MODULE_ALIAS };
    // Made for the run, as the simulator's are: key pairs are copies of seeds (key-pairs.ts).
    return { modulePath, label, userPin: this.userPin, soPin: this.soPin, env, keySeeds: (keyType, ordinal) => this.seedsAhead.made(label, keyType, ordinal) };
  }

  async stop(): Promise<void> {
    this.contexts.closeRetired();
    this.cards.disconnect();
    stopMakingKeysOfRun();
    await this.seedsAhead.stop();
    const cardTokens = this.tokenCards;
    this.tokenCards = undefined;
    // The container goes with its cards; only the OpenSC configuration folder is the host's.
    await cardTokens?.dispose().catch(() => undefined);
    this.contexts.close();
    this.control?.close();
    this.control = undefined;
    this.tokens.clear();
    const container = this.container;
    this.container = undefined;
    const name = this.containerName;
    this.containerName = undefined;
    try {
      // testcontainers stops the container; Docker removes it with its anonymous volumes
      // (AutoRemove, simulator-container.ts), and we wait for that. The last-resort
      // cleanup may have removed it already (a signal during the run).
      if (container) {
        await container.stop({ timeout: 0, remove: false }).catch(ignoreGone);
        await waitUntilRemoved(container.getId());
      }
      // A start that failed half-way may have left one behind.
      else if (name) await run('docker', ['rm', '--force', '--volumes', name], { timeout: DOCKER_RM_TIMEOUT_MS }).catch(() => undefined);
    } finally {
      this.unregisterCleanup?.();
      this.unregisterCleanup = undefined;
      const socketDir = this.socketDir;
      this.socketDir = undefined;
      if (socketDir) await rm(socketDir, { recursive: true, force: true });
    }
  }
}
