import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
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
  /** A Node addon (`.node`, loaded with require) instead of a program: built against the running Node's headers. */
  addon?: boolean;
}

/** The running Node's headers (node_api.h), for an addon. */
function nodeHeaders(): string {
  const dir = join(dirname(dirname(process.execPath)), 'include', 'node');
  if (!existsSync(join(dir, 'node_api.h'))) throw new Error(`Node's headers are not in ${dir} (node_api.h): install Node with its headers, as npm install needs them for the project's own addon`);
  return dir;
}

/**
 * Compiles bench/c/<source> into bench/build/ (gitignored) unless the binary is newer
 * than the source and the shared headers; returns the binary's path.
 */
export function buildC(program: CProgram): string {
  const source = benchFile('c', program.source);
  const out = join(benchBuildDir(), basename(program.source, '.c') + (program.addon ? '.node' : ''));
  const headers = readdirSync(benchFile('c')).filter((name) => name.endsWith('.h')).map((name) => benchFile('c', name));
  const inputsChanged = Math.max(...[source, ...headers].map((file) => statSync(file).mtimeMs));
  if (existsSync(out) && statSync(out).mtimeMs >= inputsChanged) return out;
  mkdirSync(benchBuildDir(), { recursive: true });
  const addonFlags = program.addon ? ['-shared', '-fPIC', `-DNODE_GYP_MODULE_NAME=${basename(program.source, '.c')}`, '-I', nodeHeaders()] : [];
  const cflags = [...addonFlags, ...(program.packages ?? []).flatMap((p) => pkgConfig(p.name, '--cflags', p.debian))];
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
