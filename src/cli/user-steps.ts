import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { HarnessCodes, HarnessError } from '../../core/errors.js';

/** The folder where `cardspec run` finds a project's own step files by convention. */
export const STEPS_FOLDER = 'steps';

const STEP_FILE = /\.(js|mjs|cjs|ts|mts|cts)$/;
const TYPESCRIPT_FILE = /\.(ts|mts|cts)$/;

function stepFilesIn(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => !entry.name.startsWith('.') && entry.name !== 'node_modules')
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return stepFilesIn(path);
      return STEP_FILE.test(entry.name) && !/\.d\.[cm]?ts$/.test(entry.name) ? [path] : [];
    })
    .sort();
}

/**
 * The project's step files: those under each `--steps` path (a file or a folder), else
 * everything under `steps/` of the working folder. cardspec's own checkout has its
 * built-in steps there as sources: they are loaded compiled, never a second time.
 */
export function findUserStepFiles(project: string, packageFolder: string, given: readonly string[]): string[] {
  if (given.length > 0) {
    return given.flatMap((path) => {
      const full = resolve(project, path);
      if (!existsSync(full)) throw new HarnessError(HarnessCodes.BAD_USAGE, `--steps ${path}: no such file or folder`);
      if (!statSync(full).isDirectory()) return [full];
      const files = stepFilesIn(full);
      if (files.length === 0) throw new HarnessError(HarnessCodes.BAD_USAGE, `--steps ${path}: the folder holds no .ts, .js or .mjs step files`);
      return files;
    });
  }
  const folder = join(project, STEPS_FOLDER);
  if (!existsSync(folder) || !statSync(folder).isDirectory()) return [];
  if (realpathSync(project) === realpathSync(packageFolder)) return [];
  return stepFilesIn(folder);
}

/** Whether some step file is TypeScript: then node runs with the TypeScript loader. */
export function needsTypeScript(files: readonly string[]): boolean {
  return files.some((file) => TYPESCRIPT_FILE.test(file));
}

/**
 * Node's options that load TypeScript step files without a build: tsx's ESM and CJS
 * hooks (esbuild strips the types; nothing is type-checked at run time). Cucumber's
 * parallel workers inherit these options.
 */
export function typeScriptNodeOptions(): string[] {
  return ['--import', import.meta.resolve('tsx')];
}

/**
 * Step files that import a different copy of @cucumber/cucumber than the one cardspec
 * runs: their steps would register with a cucumber that never runs them ("undefined").
 */
export function foreignCucumberImports(files: readonly string[], packageFolder: string): string[] {
  const ours = realpathSync(createRequire(join(packageFolder, 'package.json')).resolve('@cucumber/cucumber'));
  return files.filter((file) => {
    if (!/from\s+['"]@cucumber\/cucumber['"]|require\(\s*['"]@cucumber\/cucumber['"]\s*\)/.test(readFileSync(file, 'utf8'))) return false;
    try {
      return realpathSync(createRequire(file).resolve('@cucumber/cucumber')) !== ours;
    } catch {
      return true;
    }
  });
}
