import { execFile, execFileSync, spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { ControlClient } from '../../simulator/control/client.js';
import type { StartedSimulatorContainer } from '../../simulator/control/container.js';
import type { ProfileSource, StackVersions } from '../../simulator/control/protocol.js';
import { loadProfile, resolveProfile } from '../../simulator/profile/index.js';
import { vpcdReaderName } from '../../simulator/vpcd/index.js';
import { onCleanup } from '../cleanup.js';
import { HarnessCodes, HarnessError } from '../errors.js';
import { PcscContext, type CardConnection } from '../pcsc/client.js';
import type { ApduTrace } from '../trace/trace.js';
import { DEFAULT_CARD_PROFILE, workerIndex } from './simulator.js';
import type { Target, TokenAccess } from './target.js';

const run = promisify(execFile);

/** pcscd polls a vpcd reader every 400 ms; a card insertion or removal shows within two polls. */
const CARD_EVENT_TIMEOUT_MS = 5_000;
/** A cold build fetches ~100 Debian packages and two npm packages; a warm one takes seconds. */
const IMAGE_BUILD_TIMEOUT_MS = 15 * 60_000;
const DOCKER_CHECK_TIMEOUT_MS = 10_000;
const DOCKER_RM_TIMEOUT_MS = 30_000;

export const SIMULATOR_IMAGE_REPOSITORY = 'cardspec-simulator';
export const DEFAULT_BASE_IMAGE = 'debian:bookworm-slim';
export const DOCKERFILE = 'containers/simulator/Dockerfile';
const EXTRA_CA_FILE = 'containers/simulator/extra-ca.crt';
/** Labels on every container this target starts, so `docker ps --filter label=...` finds them. */
export const CONTAINER_LABELS = { project: 'org.cardspec.project', run: 'org.cardspec.run', worker: 'org.cardspec.worker' } as const;
const IMAGE_HASH_LABEL = 'org.cardspec.context-hash';

// ---------------------------------------------------------------------------------------
// The image: built from containers/simulator/Dockerfile, tagged by a hash of what goes in.

/** The project folder (with package.json), from this module's place in src/ or dist/src/. */
export function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the cardspec project folder (with package.json)');
    dir = parent;
  }
  return dir;
}

/**
 * What the Dockerfile copies, relative to the project folder: the files of the build
 * context. Folders are taken whole, with only the kinds of file the image needs.
 */
export const IMAGE_CONTEXT: readonly { path: string; pattern?: RegExp }[] = [
  { path: DOCKERFILE },
  { path: 'containers/simulator/package.json' },
  { path: 'containers/simulator/package-lock.json' },
  { path: 'simulator/profiles', pattern: /\.ya?ml$/ },
  { path: 'dist/src/errors.js' },
  { path: 'dist/src/apdu', pattern: /\.js$/ },
  { path: 'dist/simulator', pattern: /\.js$/ },
];

function walk(dir: string, pattern: RegExp | undefined): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return walk(path, pattern);
    return entry.isFile() && (!pattern || pattern.test(entry.name)) ? [path] : [];
  });
}

/** The build context's files, as paths relative to `root` with '/' separators, sorted. */
export function imageContextFiles(root: string): string[] {
  const files: string[] = [];
  for (const { path, pattern } of IMAGE_CONTEXT) {
    const full = join(root, path);
    if (!existsSync(full)) {
      const hint = path.startsWith('dist/') ? ': build the project first (`npm run build`)' : '';
      throw new HarnessError(HarnessCodes.MISSING_DEPENDENCY, `the simulator image needs ${path}, which is missing${hint}`);
    }
    const found = statSync(full).isDirectory() ? walk(full, pattern) : [full];
    files.push(...found.map((f) => relative(root, f).split(sep).join('/')));
  }
  if (!files.includes('dist/simulator/control/main.js')) {
    throw new HarnessError(HarnessCodes.MISSING_DEPENDENCY, 'dist/simulator/control/main.js is missing: build the project first (`npm run build`)');
  }
  return [...new Set(files)].sort();
}

/**
 * The image tag for a build context: a hash of every file's path and bytes and of the
 * build arguments, so an unchanged context reuses its image and any change builds anew.
 */
export function imageTagFor(files: readonly { path: string; content: Buffer }[], buildArgs: Readonly<Record<string, string>>): string {
  const hash = createHash('sha256');
  for (const { path, content } of [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    hash.update(`${path}\0${content.length}\0`);
    hash.update(content);
  }
  for (const [name, value] of Object.entries(buildArgs).sort(([a], [b]) => (a < b ? -1 : 1))) hash.update(`arg\0${name}=${value}\0`);
  return `${SIMULATOR_IMAGE_REPOSITORY}:${hash.digest('hex').slice(0, 16)}`;
}

export interface SimulatorImageOptions {
  root?: string;
  /** Build argument BASE_IMAGE (default debian:bookworm-slim, or $CARDSPEC_BASE_IMAGE). */
  baseImage?: string;
  /** Lines of `docker build`'s output, for a progress display. */
  onOutput?: (line: string) => void;
}

/**
 * CA certificates the host trusts beyond the system's (NODE_EXTRA_CA_CERTS: a TLS-inspecting
 * proxy), for `npm ci` in the image build; the Dockerfile takes them if present.
 */
function extraCaCertificates() {
  const file = process.env.NODE_EXTRA_CA_CERTS;
  if (!file || !existsSync(file)) return undefined;
  return readFileSync(file);
}

/** Docker's answer, or a HarnessError that says how to get a Docker engine. */
export async function checkDocker(): Promise<string> {
  try {
    const { stdout } = await run('docker', ['version', '--format', '{{.Server.Version}}'], { timeout: DOCKER_CHECK_TIMEOUT_MS });
    return stdout.trim();
  } catch (error) {
    const { code, stderr } = error as { code?: unknown; stderr?: string };
    const alternative = 'or run on the embedded simulator (--target simulator)';
    if (code === 'ENOENT') {
      throw new HarnessError(HarnessCodes.MISSING_DEPENDENCY, `the container target needs Docker, and the docker command is missing: install it (Debian: \`sudo apt-get install docker.io\`), ${alternative}`);
    }
    const detail = stderr?.trim().split('\n').pop() ?? String(error);
    if (/permission denied/i.test(detail)) {
      throw new HarnessError(HarnessCodes.MISSING_DEPENDENCY, `the Docker engine refuses this user (${detail}): add the user to the group docker, or run as root, ${alternative}`);
    }
    throw new HarnessError(
      HarnessCodes.MISSING_DEPENDENCY,
      `no Docker engine answers (${detail}): start one with \`sudo systemctl start docker\` (without systemd: \`sudo dockerd > /tmp/dockerd.log 2>&1 &\`), ${alternative}`,
    );
  }
}

async function imageExists(image: string): Promise<boolean> {
  try {
    await run('docker', ['image', 'inspect', '--format', '{{.Id}}', image], { timeout: DOCKER_CHECK_TIMEOUT_MS });
    return true;
  } catch {
    return false;
  }
}

/**
 * The simulator image for the project as it is now: reused when an image of the same
 * context hash exists, else built with `docker build --network host` (apt and npm inside
 * reach their mirrors through the host's network).
 */
export async function ensureSimulatorImage(options: SimulatorImageOptions = {}): Promise<{ tag: string; built: boolean }> {
  const root = options.root ?? projectRoot();
  const baseImage = options.baseImage ?? process.env.CARDSPEC_BASE_IMAGE ?? DEFAULT_BASE_IMAGE;
  const paths = imageContextFiles(root);
  const files = paths.map((path) => ({ path, content: readFileSync(join(root, path)) }));
  const extraCa = extraCaCertificates();
  if (extraCa) files.push({ path: EXTRA_CA_FILE, content: extraCa });
  const tag = imageTagFor(files, { BASE_IMAGE: baseImage });
  await checkDocker();
  if (await imageExists(tag)) return { tag, built: false };

  const context = await mkdtemp(join(tmpdir(), 'cardspec-image-'));
  const unregister = onCleanup(() => rmSync(context, { recursive: true, force: true }));
  try {
    for (const path of paths) {
      await mkdir(join(context, dirname(path)), { recursive: true });
      await copyFile(join(root, path), join(context, path));
    }
    if (extraCa) await writeFile(join(context, EXTRA_CA_FILE), extraCa);
    const args = ['build', '--network', 'host', '--force-rm', '--file', join(context, DOCKERFILE), '--tag', tag, '--label', `${IMAGE_HASH_LABEL}=${tag.split(':')[1]}`];
    args.push('--build-arg', `BASE_IMAGE=${baseImage}`, context);
    const output = await dockerBuild(args, options.onOutput);
    if (output.code !== 0) {
      const baseMissing = !(await imageExists(baseImage));
      const hint = baseMissing
        ? ` The base image ${baseImage} is not on this machine and could not be pulled: build it offline with \`sudo scripts/build-base-image.sh\`.`
        : '';
      throw new HarnessError(
        HarnessCodes.MISSING_DEPENDENCY,
        `docker build of the simulator image failed (exit ${output.code}).${hint} Last lines:\n${output.tail.join('\n')}`,
      );
    }
    await removeOtherSimulatorImages(tag);
    return { tag, built: true };
  } finally {
    unregister();
    await rm(context, { recursive: true, force: true });
  }
}

/**
 * Every build makes a new tag; the older ones are only stale copies of the project. They go
 * (their shared layers stay as build cache); one a container still uses stays as well.
 */
async function removeOtherSimulatorImages(keep: string): Promise<void> {
  try {
    const { stdout } = await run('docker', ['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}', SIMULATOR_IMAGE_REPOSITORY], { timeout: DOCKER_CHECK_TIMEOUT_MS });
    const stale = stdout.split('\n').filter((tag) => tag.startsWith(`${SIMULATOR_IMAGE_REPOSITORY}:`) && tag !== keep);
    for (const tag of stale) await run('docker', ['image', 'rm', tag], { timeout: DOCKER_CHECK_TIMEOUT_MS }).catch(() => undefined);
  } catch {
    // Only tidiness.
  }
}

function dockerBuild(args: string[], onOutput: ((line: string) => void) | undefined): Promise<{ code: number; tail: string[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn('docker', args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: IMAGE_BUILD_TIMEOUT_MS });
    const unregister = onCleanup(() => child.kill('SIGTERM'));
    const tail: string[] = [];
    let partial = '';
    const take = (chunk: Buffer): void => {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        onOutput?.(line);
        tail.push(line);
        if (tail.length > 30) tail.shift();
      }
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.once('error', (error) => {
      unregister();
      reject(new HarnessError(HarnessCodes.MISSING_DEPENDENCY, `cannot run docker build: ${error.message}`, { cause: error }));
    });
    child.once('close', (code, signal) => {
      unregister();
      if (partial) tail.push(partial);
      resolve({ code: code ?? (signal ? 128 : 1), tail });
    });
  });
}

// ---------------------------------------------------------------------------------------
// The host's side of the container: PC/SC through pcscd's socket, PKCS#11 through p11-kit.

/** Where Debian, Ubuntu, Fedora and Arch put p11-kit's client module. */
export function p11KitClientCandidates(arch: string = process.arch): string[] {
  const multiarch = ({ x64: 'x86_64-linux-gnu', arm64: 'aarch64-linux-gnu', arm: 'arm-linux-gnueabihf', ia32: 'i386-linux-gnu' } as Record<string, string>)[arch];
  return [
    ...(multiarch ? [`/usr/lib/${multiarch}/pkcs11/p11-kit-client.so`] : []),
    '/usr/lib64/pkcs11/p11-kit-client.so',
    '/usr/lib/pkcs11/p11-kit-client.so',
  ];
}

export function p11KitClientModule(): string {
  const candidates = p11KitClientCandidates();
  const found = candidates.find((path) => existsSync(path));
  if (!found) {
    throw new HarnessError(
      HarnessCodes.MISSING_DEPENDENCY,
      `the container's tokens are reached through p11-kit-client.so, which is not installed (looked at ${candidates.join(', ')}): install p11-kit-modules (Debian, Ubuntu) or p11-kit (Fedora)`,
    );
  }
  return found;
}

/** The host's pcsc-lite version, for the message about a protocol mismatch with the container's pcscd. */
function hostPcscLiteVersion(): string {
  for (const [command, args] of [
    ['dpkg-query', ['--show', '--showformat=${Version}', 'libpcsclite1']],
    ['pkg-config', ['--modversion', 'libpcsclite']],
  ] as const) {
    try {
      const version = execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
      if (version) return version;
    } catch {
      // Next way of asking.
    }
  }
  return 'an unknown version';
}

/** As simulator/profile does: a "/" or a .yaml/.yml ending makes a path, anything else a name. */
function looksLikePath(nameOrPath: string): boolean {
  return /[/\\]/.test(nameOrPath) || /\.ya?ml$/.test(nameOrPath);
}

/**
 * A card profile as the container can load it: a name from the project's profiles (the
 * image has the same files: they are part of its hash), or a file sent along with the
 * other YAML files of its folder, for `extends`.
 */
export function profileSource(nameOrPath: string): ProfileSource {
  if (!looksLikePath(nameOrPath)) return { name: nameOrPath };
  const file = resolveProfile(nameOrPath);
  const dir = dirname(file);
  const files: Record<string, string> = {};
  for (const name of readdirSync(dir).filter((f) => /\.ya?ml$/.test(f))) files[name] = readFileSync(join(dir, name), 'utf8');
  return { file: basename(file), files };
}

/** Docker's "no such container" (HTTP 404): the container is gone, which is what was wanted. */
function ignoreGone(error: unknown): void {
  if ((error as { statusCode?: unknown }).statusCode === 404) return;
  throw error;
}

// ---------------------------------------------------------------------------------------
// The target.

export interface ContainerOptions {
  defaultCard?: string | undefined;
  /** An image to use as it is (no build): for CI that builds it in an earlier step. */
  image?: string;
  startupTimeoutMs?: number;
  /** `quickack 1` on the container's loopback route (NET_ADMIN): see the latency notes. */
  loopbackQuickAck?: boolean;
  userPin?: string;
  soPin?: string;
  /** The lines of `docker build` when the image has to be built (a cold build takes minutes). */
  onImageBuildOutput?: (line: string) => void;
}

/**
 * The simulator in a container: pcscd with vpcd, the project's virtual cards and SoftHSM
 * behind `p11-kit server`, in an image built from containers/simulator/Dockerfile and
 * started with testcontainers, one container per worker. The host reaches pcscd and
 * p11-kit through sockets in a bind-mounted folder; cards and tokens move on the
 * container's control channel (simulator/control/).
 */
export class ContainerTarget implements Target {
  readonly name = 'container';
  readonly canMoveCards = true;
  private pcscContext: PcscContext | undefined;
  private container: StartedSimulatorContainer | undefined;
  private control: ControlClient | undefined;
  private socketDir: string | undefined;
  private unregisterCleanup: (() => void) | undefined;
  private containerName: string | undefined;
  private versions: StackVersions | undefined;
  private connection: CardConnection | undefined;
  /** Whether the container's reader holds a card (the control server's answer). */
  private inserted = false;
  private hasCard = false;
  private readonly slot = 0;
  private readonly readerName = vpcdReaderName(0);
  private readonly userPin: string;
  private readonly soPin: string;
  private readonly tokens = new Map<string, Promise<TokenAccess>>();

  constructor(private readonly options: ContainerOptions = {}) {
    this.userPin = options.userPin ?? '1234';
    this.soPin = options.soPin ?? '5678';
  }

  get pcsc(): PcscContext {
    if (!this.pcscContext) throw new Error('the container target is not started');
    return this.pcscContext;
  }

  /** The started container (after start), for `cardspec sim` and tests. */
  get started(): StartedSimulatorContainer {
    if (!this.container) throw new Error('the container target is not started');
    return this.container;
  }

  get stackVersions(): StackVersions | undefined {
    return this.versions;
  }

  async start(): Promise<void> {
    const image = this.options.image ?? (await ensureSimulatorImage({ onOutput: this.options.onImageBuildOutput })).tag;
    if (this.options.image) await checkDocker();
    const runId = randomUUID();
    const name = `cardspec-simulator-${runId.slice(0, 8)}`;
    const socketDir = await mkdtemp(join(tmpdir(), 'cardspec-container-'));
    this.socketDir = socketDir;
    this.containerName = name;
    // Last resort for a run cut short: the container and the folder go, also on Ctrl-C.
    this.unregisterCleanup = onCleanup(() => {
      try {
        execFileSync('docker', ['rm', '--force', '--volumes', name], { stdio: 'ignore', timeout: DOCKER_RM_TIMEOUT_MS });
      } catch {
        // Never created, or gone already.
      }
      rmSync(socketDir, { recursive: true, force: true });
    });
    try {
      // No registry here for Ryuk's image: this target removes its containers itself.
      process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
      const { SimulatorContainer } = await import('../../simulator/control/container.js');
      const logTail: string[] = [];
      const container = new SimulatorContainer(image, socketDir)
        .withName(name)
        .withLabels({ [CONTAINER_LABELS.project]: 'cardspec', [CONTAINER_LABELS.run]: runId, [CONTAINER_LABELS.worker]: String(workerIndex()) })
        .withPins(this.userPin, this.soPin)
        .withLogConsumer((stream) => {
          stream.on('data', (line: Buffer | string) => {
            logTail.push(String(line).trimEnd());
            if (logTail.length > 20) logTail.shift();
          });
        });
      if (this.options.startupTimeoutMs) container.withStartupTimeout(this.options.startupTimeoutMs);
      if (this.options.loopbackQuickAck) container.withLoopbackQuickAck();
      try {
        this.container = await container.start();
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
      const { ControlClient } = await import('../../simulator/control/client.js');
      this.control = await ControlClient.connect(this.container.getControlSocketPath());
      this.versions = (await this.control.request({ op: 'status' })).versions;
      // libpcsclite reads this once, at the process's first SCardEstablishContext: no
      // PC/SC context may be opened in this process before the container target's.
      process.env.PCSCLITE_CSOCK_NAME = this.container.getPcscdSocketPath();
      // p11-kit-client.so reads its server's address when it is loaded (C_GetFunctionList),
      // before C_Initialize: it must be in the environment before any module load.
      process.env.P11_KIT_SERVER_ADDRESS = this.container.getP11KitServerAddress();
      this.pcscContext = this.openPcsc();
    } catch (error) {
      await this.stop();
      throw error;
    }
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
  }

  private get client(): ControlClient {
    if (!this.control) throw new Error('the container target is not started');
    return this.control;
  }

  /**
   * A fresh card. While a card sits in the reader, the new card takes its place behind the
   * same vpcd connection in the container and the PC/SC connection is reset, so pcscd reads
   * the new card's ATR at once (a removal and insertion would cost two 400 ms polls).
   */
  async insertCard(profile: string | undefined, trace: ApduTrace): Promise<CardConnection> {
    const nameOrPath = profile ?? this.options.defaultCard ?? DEFAULT_CARD_PROFILE;
    // Checked here, so a mistake names the host's file, not the container's copy.
    loadProfile(nameOrPath);
    const source = profileSource(nameOrPath);
    if (this.connection?.connected && this.inserted) {
      await this.client.request({ op: 'replace', slot: this.slot, profile: source });
      this.hasCard = true;
      this.connection.trace = trace;
      await this.connection.reset();
      return this.connection;
    }
    this.connection?.disconnect();
    this.connection = undefined;
    const status = await this.client.request({ op: 'insert', slot: this.slot, profile: source });
    this.inserted = status.inserted;
    this.hasCard = true;
    return this.connect(trace);
  }

  async removeCard(): Promise<void> {
    const status = await this.client.request({ op: 'remove', slot: this.slot });
    this.inserted = status.inserted;
    await this.pcsc.waitForEmpty(this.readerName, CARD_EVENT_TIMEOUT_MS);
  }

  async reinsertCard(trace: ApduTrace): Promise<CardConnection> {
    if (!this.hasCard) throw new HarnessError(HarnessCodes.NO_CARD, 'no card was inserted before, so none can be inserted again');
    if (this.inserted) throw new HarnessError(HarnessCodes.NO_CARD, 'the card is still in the reader: remove it first');
    this.connection?.disconnect();
    this.connection = undefined;
    const status = await this.client.request({ op: 'reinsert', slot: this.slot });
    this.inserted = status.inserted;
    return this.connect(trace);
  }

  /**
   * Puts a card of `profile` in reader `slot` without connecting to it, and returns the
   * reader's name once pcscd reports the card (for `cardspec sim`, where other programs
   * connect).
   */
  async putCard(slot: number, profile: string): Promise<string> {
    loadProfile(profile);
    const status = await this.client.request({ op: 'insert', slot, profile: profileSource(profile) });
    await this.pcsc.waitForCard(status.reader, CARD_EVENT_TIMEOUT_MS);
    return status.reader;
  }

  private async connect(trace: ApduTrace): Promise<CardConnection> {
    await this.pcsc.waitForCard(this.readerName, CARD_EVENT_TIMEOUT_MS);
    this.connection = await this.pcsc.connect(this.readerName, trace);
    return this.connection;
  }

  /** A SoftHSM token in the container, made on first use, reached through p11-kit-client.so. */
  token(label: string): Promise<TokenAccess> {
    let token = this.tokens.get(label);
    if (!token) {
      token = this.makeToken(label);
      token.catch(() => this.tokens.delete(label));
      this.tokens.set(label, token);
    }
    return token;
  }

  private async makeToken(label: string): Promise<TokenAccess> {
    const modulePath = p11KitClientModule();
    await this.client.request({ op: 'token', label, userPin: this.userPin, soPin: this.soPin });
    return { modulePath, label, userPin: this.userPin, soPin: this.soPin, env: { P11_KIT_SERVER_ADDRESS: this.started.getP11KitServerAddress() } };
  }

  async stop(): Promise<void> {
    this.connection?.disconnect();
    this.connection = undefined;
    this.pcscContext?.close();
    this.pcscContext = undefined;
    this.control?.close();
    this.control = undefined;
    this.tokens.clear();
    const container = this.container;
    this.container = undefined;
    const name = this.containerName;
    this.containerName = undefined;
    try {
      // testcontainers stops and removes the container (and its anonymous volumes).
      // The last-resort cleanup may have removed it already (a signal during the run).
      if (container) await container.stop({ timeout: 0 }).catch(ignoreGone);
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
