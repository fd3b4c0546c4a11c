import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { ProfileSource } from '../../core/control/protocol.js';
import { looksLikePath, projectProfile, resolveProfile } from '../../core/profile/index.js';
import { HarnessCodes, HarnessError } from '../../core/errors.js';

/**
 * The host's side of the container target: PKCS#11 through p11-kit's client module, the
 * host's pcsc-lite version for mismatch messages, and card profiles sent to the container.
 */

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

