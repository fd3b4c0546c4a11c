import { join } from 'node:path';
import { packageRoot } from '../../core/paths.js';

// The C sources, Python scripts and profiles stay in bench/ of the source tree, while this
// module runs as dist/bench/lib/paths.js.
export { packageRoot };

export const benchDir = (): string => join(packageRoot(), 'bench');
export const benchBuildDir = (): string => join(benchDir(), 'build');
export const benchResultsDir = (): string => join(benchDir(), 'results');
export const benchFile = (...parts: string[]): string => join(benchDir(), ...parts);

/** Debian's Python, which has pyscard and PyKCS11 (the python3 first on PATH may be another). */
export const SYSTEM_PYTHON = '/usr/bin/python3';
