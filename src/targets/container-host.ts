import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { ProfileSource } from '../../core/control/protocol.js';
import { looksLikePath, projectProfile, resolveProfile } from '../../core/profile/index.js';
import { HarnessCodes, HarnessError } from '../../core/errors.js';
import { debianMultiarch } from '../../core/paths.js';
import { clientSpeech, DEBIAN_SUITES, formatProtocol, parsePcscLiteVersion, probeClientProtocol, speechOf, suiteFor, type PcscLiteSpeech } from './pcsc-protocol.js';

/**
 * The host's side of the container target: PKCS#11 through caml-crush's client module, the
 * host's pcsc-lite version for choosing the image, and card profiles sent to the container.
 */

/** Where the image keeps a copy of caml-crush's client module, for hosts without the package. */
export const IMAGE_PKCS11_PROXY_CLIENT = '/opt/cardspec/host/libp11clientunix.so';
const DOCKER_COPY_TIMEOUT_MS = 30_000;

/** Where Debian and Ubuntu put caml-crush's unix-socket client module (package caml-crush-clients). */
export function pkcs11ProxyClientCandidates(arch: string = process.arch): string[] {
  const multiarch = debianMultiarch(arch);
  return [...(multiarch ? [`/usr/lib/${multiarch}/caml-crush/libp11clientunix.so`] : []), '/usr/lib64/caml-crush/libp11clientunix.so', '/usr/lib/caml-crush/libp11clientunix.so'];
}

/**
 * The PKCS#11 module that reaches the container's tokens: the host's caml-crush client
 * when installed, else the copy in the image (Debian 13 and Ubuntu 24.04 have no
 * caml-crush package), taken out once per image into the user's cache folder.
 */
export async function pkcs11ProxyClientModule(image: string): Promise<string> {
  const installed = pkcs11ProxyClientCandidates().find((path) => existsSync(path));
  return installed ?? copyPkcs11ProxyClient(image, join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'cardspec'));
}

/** The image's copy of caml-crush's client module, taken out into `cacheRoot` once per image. */
export function copyPkcs11ProxyClient(image: string, cacheRoot: string): string {
  const imageId = execFileSync('docker', ['image', 'inspect', '--format', '{{.Id}}', image], { encoding: 'utf8', timeout: DOCKER_COPY_TIMEOUT_MS }).trim();
  const dir = join(cacheRoot, 'pkcs11-proxy-client', imageId.replace(/^sha256:/, '').slice(0, 16));
  const path = join(dir, 'libp11clientunix.so');
  if (existsSync(path)) return path;
  mkdirSync(dir, { recursive: true });
  const partial = `${path}.${process.pid}`;
  const name = `cardspec-copy-${process.pid}-${Date.now()}`;
  try {
    execFileSync('docker', ['create', '--name', name, image], { stdio: 'ignore', timeout: DOCKER_COPY_TIMEOUT_MS });
    execFileSync('docker', ['cp', `${name}:${IMAGE_PKCS11_PROXY_CLIENT}`, partial], { stdio: 'ignore', timeout: DOCKER_COPY_TIMEOUT_MS });
    // Another worker may have done the same at the same time: a rename is atomic.
    renameSync(partial, path);
  } catch (error) {
    throw new HarnessError(
      HarnessCodes.MISSING_DEPENDENCY,
      `the container's tokens are reached through caml-crush's libp11clientunix.so, which is not installed (looked at ${pkcs11ProxyClientCandidates().join(', ')}) and could not be copied out of ${image}: install caml-crush-clients (Debian 12)`,
      { cause: error },
    );
  } finally {
    rmSync(partial, { force: true });
    try {
      execFileSync('docker', ['rm', '--force', name], { stdio: 'ignore', timeout: DOCKER_COPY_TIMEOUT_MS });
    } catch {
      // Never created.
    }
  }
  return path;
}

/** The host's pcsc-lite version, for the message about a protocol mismatch with the container's pcscd. */
export function hostPcscLiteVersion(): string {
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

export interface HostPcscClient {
  /** The libpcsclite package's version, or "an unknown version". */
  version: string;
  speech: PcscLiteSpeech | undefined;
  /** How the protocol was found: from the library itself, or from the package's version. */
  source: 'probe' | 'package' | 'unknown';
}

/** The host's PC/SC client: its protocol read from the library (probe), else from the package's version. */
export async function hostPcscClient(): Promise<HostPcscClient> {
  const version = hostPcscLiteVersion();
  const probed = await probeClientProtocol().catch(() => undefined);
  if (probed) return { version, speech: clientSpeech(probed), source: 'probe' };
  const parsed = parsePcscLiteVersion(version);
  return parsed ? { version, speech: speechOf(parsed), source: 'package' } : { version, speech: undefined, source: 'unknown' };
}

/**
 * The base image for the simulator image: $CARDSPEC_BASE_IMAGE when set, else the Debian
 * suite whose pcscd the host's libpcsclite can talk to (debian:SUITE-slim).
 */
export function baseImageFor(client: HostPcscClient, configured: string | undefined = process.env.CARDSPEC_BASE_IMAGE): string {
  if (configured) return configured;
  if (!client.speech) return `debian:${DEBIAN_SUITES[0]!.suite}-slim`;
  const match = suiteFor(client.speech);
  if (!match) {
    throw new HarnessError(
      HarnessCodes.MISSING_DEPENDENCY,
      `the host's libpcsclite (${client.version}) speaks PC/SC protocol ${formatProtocol(client.speech.protocol)}, which no simulator image's pcscd speaks (${DEBIAN_SUITES.map((s) => `${s.suite}: pcsc-lite ${s.pcscLite}`).join(', ')}): install libpcsclite1 1.9.9 to 2.2 or 2.4 and later`,
    );
  }
  return `debian:${match.suite}-slim`;
}

/**
 * A card profile as the container can load it: a name from the project's profiles (the
 * image has the same files: they are part of its hash), or a file sent along with the
 * other YAML files of its folder, for `extends`, and the bundled code of its card module.
 */
export function profileSource(nameOrPath: string, module?: string): ProfileSource {
  // A name of cardspec's own profiles is in the image; the project's are sent along.
  if (!looksLikePath(nameOrPath) && projectProfile(nameOrPath) === undefined) return { name: nameOrPath };
  const file = resolveProfile(nameOrPath);
  const dir = dirname(file);
  const files: Record<string, string> = {};
  for (const name of readdirSync(dir).filter((f) => /\.ya?ml$/.test(f))) files[name] = readFileSync(join(dir, name), 'utf8');
  return { file: basename(file), files, ...(module !== undefined ? { module } : {}) };
}

