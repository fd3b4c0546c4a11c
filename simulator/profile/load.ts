/**
 * Finding and reading profiles. A bare name ("iso7816-demo") is a file under
 * simulator/profiles of the source tree (the YAML is not compiled into dist/); anything
 * that looks like a path (a "/" or a .yaml/.yml ending) is read as given.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Cursor, ProfileError, ProfileSource } from './cursor.js';
import type { CardProfile } from './types.js';
import { TOP_FIELDS, validateProfile } from './validate.js';

export const DEFAULT_PROFILE = 'iso7816-demo';

/**
 * simulator/profiles of the project: up from this module (simulator/profile/ in the
 * source tree, dist/simulator/profile/ once compiled) to the folder with package.json.
 */
export function profilesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return join(dir, 'simulator', 'profiles');
    const up = dirname(dir);
    if (up === dir) throw new ProfileError('simulator/profiles', undefined, undefined, 'cannot find the project folder (with package.json) above the simulator');
    dir = up;
  }
}

/** Names of the profiles in `dir` (simulator/profiles by default), sorted. */
export function listProfiles(dir: string = profilesDir()): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => f.replace(/\.ya?ml$/, ''))
    .sort();
}

function looksLikePath(nameOrPath: string): boolean {
  return nameOrPath.includes('/') || nameOrPath.includes('\\') || /\.ya?ml$/.test(nameOrPath);
}

/** The file a name or path stands for; an unknown name lists the available ones. */
export function resolveProfile(nameOrPath: string, dir: string = profilesDir()): string {
  if (looksLikePath(nameOrPath)) {
    const file = resolve(nameOrPath);
    if (!existsSync(file)) throw new ProfileError(display(file), undefined, undefined, 'no such file');
    return file;
  }
  for (const ext of ['.yaml', '.yml']) {
    const file = join(dir, nameOrPath + ext);
    if (existsSync(file)) return file;
  }
  const names = listProfiles(dir);
  throw new ProfileError(
    `"${nameOrPath}"`,
    undefined,
    undefined,
    `no profile of that name in ${display(dir)}; available: ${names.join(', ') || 'none'}`,
  );
}

/** Paths in messages: relative to the working folder when inside it. */
function display(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

/**
 * The top-level fields of `file`, with those of the profile it extends (recursively)
 * filling in what it does not give. Each field keeps its own file for messages.
 */
function readFields(file: string, chain: string[]): { fields: Map<string, Cursor>; top: Cursor } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ProfileError(display(file), undefined, undefined, `cannot read: ${(err as Error).message}`);
  }
  const source = new ProfileSource(display(file), text);
  const top = source.root();
  const fields = top.fields(TOP_FIELDS, 'a mapping of name, description, atr, protocol, pins, files');
  const ext = fields.get('extends');
  if (ext === undefined || !ext.present) return { fields, top };

  const parentName = ext.text('the name of another profile');
  // A bare name is a profile next to this one, or else one of the project's profiles.
  const candidates = looksLikePath(parentName)
    ? [resolve(dirname(file), parentName)]
    : [join(dirname(file), `${parentName}.yaml`), join(profilesDir(), `${parentName}.yaml`)];
  const parentFile = candidates.find((f) => existsSync(f));
  if (parentFile === undefined) {
    const known = [...new Set([...listProfiles(dirname(file)), ...listProfiles()])];
    return ext.fail(`a profile next to this one or a project profile (${known.join(', ')})`, `"${parentName}"`);
  }
  if (chain.includes(parentFile)) ext.fail('a profile that does not extend this one again', 'a cycle');
  const parent = readFields(parentFile, [...chain, file]);
  const merged = new Map(parent.fields);
  merged.delete('name');
  for (const [k, v] of fields) merged.set(k, v);
  return { fields: merged, top };
}

/** Loads and validates a profile; every mistake throws ProfileError (code CARDSPEC_BAD_PROFILE). */
export function loadProfile(nameOrPath: string = DEFAULT_PROFILE, options: { dir?: string } = {}): CardProfile {
  const file = resolveProfile(nameOrPath, options.dir);
  const { fields, top } = readFields(file, []);
  return validateProfile(fields, top);
}
