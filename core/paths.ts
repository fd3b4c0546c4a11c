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
