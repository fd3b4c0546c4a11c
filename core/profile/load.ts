/**
 * Finding and reading profiles. A bare name ("iso7816-demo") is a file under
 * simulator/profiles of the source tree (the YAML is not compiled into dist/); anything
 * that looks like a path (a "/" or a .yaml/.yml ending) is read as given.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { packageRoot } from '../paths.js';
import { Cursor, ProfileError, ProfileSource } from './cursor.js';
import type { CardProfile } from './types.js';
import { patchFiles } from './patch.js';
import { TOP_FIELDS, validateProfile } from './validate.js';

export const DEFAULT_PROFILE = 'iso7816-demo';

/** simulator/profiles of the project (the YAML is not compiled into dist/). */
export function profilesDir(): string {
  try {
    return join(packageRoot(), 'simulator', 'profiles');
  } catch {
    throw new ProfileError('simulator/profiles', undefined, undefined, 'cannot find the project folder (with package.json) above the simulator');
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

/** A "/" (or "\\") or a .yaml/.yml ending makes a path; anything else is a profile name. */
export function looksLikePath(nameOrPath: string): boolean {
  return nameOrPath.includes('/') || nameOrPath.includes('\\') || /\.ya?ml$/.test(nameOrPath);
}

/** The profile file named `name` in `dir` (name.yaml, else name.yml), if there is one. */
function profileIn(dir: string, name: string): string | undefined {
  for (const ext of ['.yaml', '.yml']) {
    const file = join(dir, name + ext);
    if (existsSync(file)) return file;
  }
  return undefined;
}

/** The folder of a user's project where profile names are looked up first (`cardspec init` makes it). */
export const PROJECT_PROFILES_DIR = 'profiles';

/** The profile file `name` in the project's profiles/ folder (of the working folder), if there is one. */
export function projectProfile(name: string): string | undefined {
  return looksLikePath(name) ? undefined : profileIn(resolve(PROJECT_PROFILES_DIR), name);
}

/**
 * The file a name or path stands for; an unknown name lists the available ones. A name is
 * looked up in the project's profiles/ folder first, then among cardspec's profiles.
 */
export function resolveProfile(nameOrPath: string, dir?: string): string {
  if (looksLikePath(nameOrPath)) {
    const file = resolve(nameOrPath);
    if (!existsSync(file)) throw new ProfileError(file, undefined, undefined, 'no such file (a path in a feature is taken relative to the feature file)');
    return file;
  }
  const own = dir === undefined ? projectProfile(nameOrPath) : undefined;
  dir ??= profilesDir();
  const file = own ?? profileIn(dir, nameOrPath);
  if (file !== undefined) return file;
  const names = [...listProfiles(resolve(PROJECT_PROFILES_DIR)), ...listProfiles(dir)];
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
  const fields = top.fields(TOP_FIELDS, `a mapping of ${TOP_FIELDS.join(', ')}`);
  const ext = fields.get('extends');
  if (ext === undefined || !ext.present) return withPatches(fields, top);

  const parentName = ext.text('the name of another profile');
  // A bare name is a profile next to this one, or else one of the project's profiles.
  const parentFile = looksLikePath(parentName)
    ? [resolve(dirname(file), parentName)].find((f) => existsSync(f))
    : (profileIn(dirname(file), parentName) ?? profileIn(profilesDir(), parentName));
  if (parentFile === undefined) {
    const known = [...new Set([...listProfiles(dirname(file)), ...listProfiles()])];
    return ext.fail(`a profile next to this one or a project profile (${known.join(', ')})`, `"${parentName}"`);
  }
  if (chain.includes(parentFile)) ext.fail('a profile that does not extend this one again', 'a cycle');
  const parent = readFields(parentFile, [...chain, file]);
  const merged = new Map(parent.fields);
  merged.delete('name');
  for (const [k, v] of fields) merged.set(k, v);
  return withPatches(merged, top);
}

/** The fields with `patch-files` applied to `files` (the entries' nodes keep their file for messages). */
function withPatches(fields: Map<string, Cursor>, top: Cursor): { fields: Map<string, Cursor>; top: Cursor } {
  const patches = fields.get('patch-files');
  if (patches === undefined || !patches.present) return { fields, top };
  patches.source.claim(patches.node);
  const files = fields.get('files');
  if (files === undefined || !files.present) return patches.fail('a profile with files to patch (patch-files needs extends: or files:)', 'no files');
  patchFiles(files, patches);
  const patched = new Map(fields);
  patched.delete('patch-files');
  return { fields: patched, top };
}

/** Loads and validates a profile; every mistake throws ProfileError (code CARDSPEC_BAD_PROFILE). */
export function loadProfile(nameOrPath: string = DEFAULT_PROFILE, options: { dir?: string } = {}): CardProfile {
  const file = resolveProfile(nameOrPath, options.dir);
  const { fields, top } = readFields(file, []);
  return validateProfile(fields, top);
}

/**
 * Parsed profiles by the name or path they were asked for, for one run: a card copies what
 * it takes from its profile, so one parse serves every scenario.
 */
export class ProfileCache {
  private readonly profiles = new Map<string, CardProfile>();

  /** The profile `nameOrPath`, loaded on first use; a mistake throws every time (nothing is kept). */
  get(nameOrPath: string): CardProfile {
    let profile = this.profiles.get(nameOrPath);
    if (profile === undefined) {
      profile = loadProfile(nameOrPath);
      this.profiles.set(nameOrPath, profile);
    }
    return profile;
  }
}
