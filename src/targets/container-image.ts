import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { promisify } from 'node:util';
import { onCleanup, runFolder } from '../cleanup.js';
import { HarnessCodes, HarnessError } from '../../core/errors.js';

import { packageRoot } from '../../core/paths.js';

/**
 * The simulator image: built from containers/simulator/Dockerfile, tagged by a hash of
 * what goes in, reused while that hash stands.
 */

const run = promisify(execFile);

/** A cold build fetches ~100 Debian packages and two npm packages; a warm one takes seconds. */
const IMAGE_BUILD_TIMEOUT_MS = 15 * 60_000;
const DOCKER_CHECK_TIMEOUT_MS = 10_000;

export const SIMULATOR_IMAGE_REPOSITORY = 'cardspec-simulator';
export const DEFAULT_BASE_IMAGE = 'debian:bookworm-slim';
export const DOCKERFILE = 'containers/simulator/Dockerfile';
const EXTRA_CA_FILE = 'containers/simulator/extra-ca.crt';
const IMAGE_HASH_LABEL = 'org.cardspec.context-hash';
const IMAGE_BASE_LABEL = 'org.cardspec.base-image';
/** debian:SUITE-slim, the base images scripts/build-base-image.sh makes. */
const DEBIAN_SLIM = /^debian:([a-z]+)-slim$/;
const BASE_IMAGE_BUILD_TIMEOUT_MS = 20 * 60_000;

/**
 * What the Dockerfile copies, relative to the project folder: the files of the build
 * context. Folders are taken whole, with only the kinds of file the image needs.
 */
export const IMAGE_CONTEXT: readonly { path: string; pattern?: RegExp }[] = [
  { path: DOCKERFILE },
  { path: 'containers/simulator/package.json' },
  { path: 'containers/simulator/package-lock.json' },
  // pcscd's poll library (core/daemons.ts, PCSCD_POLL_LIBRARY), compiled in the image.
  { path: 'native/pcscd_poll.c' },
  // Profiles and the key and certificate files they name (the PIV card's test keys).
  { path: 'simulator/profiles', pattern: /\.(ya?ml|pem|der|crt)$/ },
  { path: 'dist/core', pattern: /\.js$/ },
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

export async function imageExists(image: string): Promise<boolean> {
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
  const root = options.root ?? packageRoot();
  const baseImage = options.baseImage ?? process.env.CARDSPEC_BASE_IMAGE ?? DEFAULT_BASE_IMAGE;
  const paths = imageContextFiles(root);
  const files = paths.map((path) => ({ path, content: readFileSync(join(root, path)) }));
  const extraCa = extraCaCertificates();
  if (extraCa) files.push({ path: EXTRA_CA_FILE, content: extraCa });
  const tag = imageTagFor(files, { BASE_IMAGE: baseImage });
  await checkDocker();
  if (await imageExists(tag)) return { tag, built: false };
  // The Dockerfile takes caml-crush from a Debian 12 stage (PROXY_BASE_IMAGE) whatever the base.
  for (const image of new Set([baseImage, DEFAULT_BASE_IMAGE])) await ensureBaseImage(root, image, options.onOutput);

  // Owned, so that the next run removes it if this one is killed during the build.
  const contextFolder = await runFolder('image');
  const context = contextFolder.dir;
  try {
    for (const path of paths) {
      await mkdir(join(context, dirname(path)), { recursive: true });
      await copyFile(join(root, path), join(context, path));
    }
    if (extraCa) await writeFile(join(context, EXTRA_CA_FILE), extraCa);
    const args = ['build', '--network', 'host', '--force-rm', '--file', join(context, DOCKERFILE), '--tag', tag, '--label', `${IMAGE_HASH_LABEL}=${tag.split(':')[1]}`];
    args.push('--label', `${IMAGE_BASE_LABEL}=${baseImage}`);
    args.push('--build-arg', `BASE_IMAGE=${baseImage}`, context);
    const output = await dockerBuild(args, options.onOutput);
    if (output.code !== 0) {
      const baseMissing = !(await imageExists(baseImage));
      const suite = DEBIAN_SLIM.exec(baseImage)?.[1];
      const hint = baseMissing
        ? ` The base image ${baseImage} is not on this machine and could not be pulled: build it offline with \`sudo scripts/build-base-image.sh${suite ? ` --suite ${suite}` : ''}\`.`
        : '';
      throw new HarnessError(
        HarnessCodes.MISSING_DEPENDENCY,
        `docker build of the simulator image failed (exit ${output.code}).${hint} Last lines:\n${output.tail.join('\n')}`,
      );
    }
    await removeOtherSimulatorImages(tag, baseImage);
    return { tag, built: true };
  } finally {
    await contextFolder.remove();
  }
}

/**
 * Offline machines have no registry to pull debian:SUITE-slim from: as root with
 * debootstrap, cardspec builds it (scripts/build-base-image.sh); otherwise docker build
 * tries to pull it, and its failure says which command builds it.
 */
async function ensureBaseImage(root: string, baseImage: string, onOutput: ((line: string) => void) | undefined): Promise<void> {
  const suite = DEBIAN_SLIM.exec(baseImage)?.[1];
  if (!suite || (await imageExists(baseImage)) || process.getuid?.() !== 0) return;
  const script = join(root, 'scripts', 'build-base-image.sh');
  if (!existsSync(script)) return;
  try {
    await run('sh', ['-c', 'command -v debootstrap'], { timeout: DOCKER_CHECK_TIMEOUT_MS });
  } catch {
    return;
  }
  onOutput?.(`building the base image ${baseImage} with debootstrap (scripts/build-base-image.sh --suite ${suite})`);
  try {
    const { stdout } = await run(script, ['--suite', suite, '--tag', baseImage], { timeout: BASE_IMAGE_BUILD_TIMEOUT_MS });
    for (const line of stdout.split('\n').filter(Boolean)) onOutput?.(line);
  } catch (error) {
    const { stderr } = error as { stderr?: string };
    throw new HarnessError(HarnessCodes.MISSING_DEPENDENCY, `the base image ${baseImage} could not be built with debootstrap: ${stderr?.trim().split('\n').pop() ?? String(error)}`, { cause: error });
  }
}

/**
 * Every build makes a new tag; the older ones are only stale copies of the project. They go
 * (their shared layers stay as build cache); one a container still uses stays as well.
 */
async function removeOtherSimulatorImages(keep: string, baseImage: string): Promise<void> {
  try {
    // Images of other bases stay: a bookworm and a trixie image serve different hosts.
    const filter = ['--filter', `label=${IMAGE_BASE_LABEL}=${baseImage}`];
    const { stdout } = await run('docker', ['image', 'ls', ...filter, '--format', '{{.Repository}}:{{.Tag}}', SIMULATOR_IMAGE_REPOSITORY], { timeout: DOCKER_CHECK_TIMEOUT_MS });
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

