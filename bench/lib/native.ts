import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { benchBuildDir, benchFile } from './paths.js';

/** The flags a pkg-config package gives, or a clear error naming the Debian package to install. */
function pkgConfig(pkg: string, what: '--cflags' | '--libs', debianPackage: string): string[] {
  try {
    return execFileSync('pkg-config', [what, pkg], { encoding: 'utf8' }).trim().split(/\s+/).filter(Boolean);
  } catch {
    throw new Error(`pkg-config knows no ${pkg}: install the Debian package ${debianPackage} (and pkg-config)`);
  }
}

export interface CProgram {
  /** A file under bench/c/. */
  source: string;
  /** pkg-config packages and the Debian packages that provide them. */
  packages?: { name: string; debian: string }[];
  extraFlags?: string[];
}

/**
 * Compiles bench/c/<source> into bench/build/ (gitignored) unless the binary is newer
 * than the source and the shared header; returns the binary's path.
 */
export function buildC(program: CProgram): string {
  const source = benchFile('c', program.source);
  const out = join(benchBuildDir(), basename(program.source, '.c'));
  const inputsChanged = Math.max(statSync(source).mtimeMs, statSync(benchFile('c', 'bench_util.h')).mtimeMs);
  if (existsSync(out) && statSync(out).mtimeMs >= inputsChanged) return out;
  mkdirSync(benchBuildDir(), { recursive: true });
  const cflags = (program.packages ?? []).flatMap((p) => pkgConfig(p.name, '--cflags', p.debian));
  const libs = (program.packages ?? []).flatMap((p) => pkgConfig(p.name, '--libs', p.debian));
  try {
    execFileSync('gcc', ['-O2', '-Wall', '-Wextra', ...cflags, '-o', out, source, ...libs, ...(program.extraFlags ?? [])], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? '';
    const missing = (error as { code?: string }).code === 'ENOENT';
    throw new Error(missing ? 'gcc is not installed: install the Debian package build-essential' : `gcc failed on ${source}:\n${stderr}`, { cause: error });
  }
  return out;
}
