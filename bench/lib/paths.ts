import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The package root (the folder with package.json), walking up from this module: it runs
 * as dist/bench/lib/paths.js, while the C sources, Python scripts and profiles stay in
 * bench/ of the source tree.
 */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the cardspec package root (no package.json above the bench)');
    dir = parent;
  }
  return dir;
}

export const benchDir = (): string => join(packageRoot(), 'bench');
export const benchBuildDir = (): string => join(benchDir(), 'build');
export const benchResultsDir = (): string => join(benchDir(), 'results');
export const benchFile = (...parts: string[]): string => join(benchDir(), ...parts);

/** Debian's Python, which has pyscard and PyKCS11 (the python3 first on PATH may be another). */
export const SYSTEM_PYTHON = '/usr/bin/python3';
