import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The package's root folder (the one with package.json), up from this module's place:
 * simulator/ in the source tree, dist/simulator/ once compiled, /opt/cardspec/dist/simulator/
 * in the container image (whose package.json is the image's own).
 */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the cardspec package root');
    dir = parent;
  }
  return dir;
}

/** Debian's and Ubuntu's multiarch folder name (`/usr/lib/<it>/`) for a Node arch name; undefined for others. */
export function debianMultiarch(arch: string = process.arch): string | undefined {
  return ({ x64: 'x86_64-linux-gnu', arm64: 'aarch64-linux-gnu', arm: 'arm-linux-gnueabihf', ia32: 'i386-linux-gnu' } as Record<string, string>)[arch];
}
