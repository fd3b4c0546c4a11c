/**
 * What can be checked before the first scenario, is: the `--card` profile, the profiles
 * that features name, the hardware configuration, and the codes in `Then it fails with`.
 * A run with such a mistake starts no scenario (one typo would otherwise fail every
 * scenario, each on its second step); each mistake is one line, with its file and line.
 */
import { codedMessage } from '../quiet-errors.js';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { listProfiles, loadProfile, looksLikePath, PROJECT_PROFILES_DIR } from '../../core/profile/index.js';
import { checkExpectedCode } from '../expected-codes.js';
import { HarnessCodes } from '../../core/errors.js';
import { DEFAULT_CONFIG_FILE, loadHardwareConfig } from '../targets/hardware-config.js';
import type { TargetName } from '../targets/target.js';
import { didYouMean } from '../../core/text/nearest.js';

export interface PreflightOptions {
  target: TargetName;
  card: string | undefined;
  config: string | undefined;
  /** Feature files or folders, as given on the command line (`:LINE` allowed). */
  paths: readonly string[];
}

const STEP_LINE = /^\s*(?:Given|When|Then|And|But|\*)\s+(.*?)\s*$/;
const CARD_STEP = /^the card "([^"]*)" is inserted$/;
const FAILS_WITH_STEP = /^it fails with (\S+)$/;

/**
 * A feature path as cucumber takes it: a file or folder, with optional `:LINE` suffixes
 * (`a.feature:12:30`) that pick scenarios or example rows.
 */
export function splitFeaturePath(path: string): { file: string; lines: Set<number> | undefined } {
  const suffix = /((?::\d+)+)$/.exec(path)?.[1];
  if (suffix === undefined) return { file: path, lines: undefined };
  return { file: path.slice(0, -suffix.length), lines: new Set(suffix.slice(1).split(':').map(Number)) };
}

/** The .feature files under the given paths. */
export function featureFiles(paths: readonly string[]): string[] {
  const files: string[] = [];
  const walk = (path: string): void => {
    if (statSync(path).isDirectory()) {
      for (const entry of readdirSync(path).sort()) walk(join(path, entry));
    } else if (path.endsWith('.feature')) {
      files.push(path);
    }
  };
  for (const path of paths) walk(splitFeaturePath(path).file);
  return [...new Set(files)];
}

/**
 * Where a feature's `Given the card "X" is inserted` finds X: a path is taken relative to
 * the feature file; a name is one of the project's profiles.
 */
export function profileForFeature(written: string, featureFile: string): string {
  return looksLikePath(written) && !isAbsolute(written) ? resolve(dirname(featureFile), written) : written;
}

/** A profile name or path, loaded; a mistake is returned as a message. */
function checkProfile(nameOrPath: string): string | undefined {
  if (!looksLikePath(nameOrPath)) {
    // A name is one of the user project's profiles/ or one of cardspec's.
    const names = [...new Set([...listProfiles(), ...listProfiles(resolve(PROJECT_PROFILES_DIR))])];
    if (!names.includes(nameOrPath)) {
      return `${HarnessCodes.BAD_PROFILE}: no card profile "${nameOrPath}"${didYouMean(nameOrPath, names)}: the project's profiles are ${names.join(', ')}; a file of your own goes in ${PROJECT_PROFILES_DIR}/ or is written as a path (my-card.yaml)`;
    }
  }
  try {
    loadProfile(nameOrPath);
    return undefined;
  } catch (error) {
    return codedMessage(error);
  }
}

/** Every mistake found, one line each; none means the run may start. */
export function preflight(options: PreflightOptions): string[] {
  const mistakes: string[] = [];
  const checkedProfiles = new Map<string, string | undefined>();
  const profileMistake = (nameOrPath: string): string | undefined => {
    if (!checkedProfiles.has(nameOrPath)) checkedProfiles.set(nameOrPath, checkProfile(nameOrPath));
    return checkedProfiles.get(nameOrPath);
  };

  if (options.card !== undefined) {
    const mistake = profileMistake(options.card);
    if (mistake) mistakes.push(`--card ${options.card}: ${mistake}`);
  }
  // Without a configuration named or in the working folder, hardware runs need none.
  const named = options.config ?? process.env.CARDSPEC_CONFIG;
  if (options.target === 'hardware' && (named !== undefined || existsSync(DEFAULT_CONFIG_FILE))) {
    const file = resolve(named ?? DEFAULT_CONFIG_FILE);
    try {
      loadHardwareConfig(file);
    } catch (error) {
      mistakes.push(`hardware configuration: ${codedMessage(error)}`);
    }
  }
  for (const file of featureFiles(options.paths)) {
    const lines = readFileSync(file, 'utf8').split(/\r?\n/);
    lines.forEach((line, index) => {
      const step = STEP_LINE.exec(line)?.[1];
      if (step === undefined) return;
      const where = `${file}:${index + 1}`;
      const profile = CARD_STEP.exec(step)?.[1];
      // Values from ${...} and outline <placeholders> are known only when the scenario runs.
      if (profile !== undefined && !/[$<]/.test(profile)) {
        const mistake = profileMistake(profileForFeature(profile, file));
        if (mistake) mistakes.push(`${where}: ${mistake}`);
      }
      const code = FAILS_WITH_STEP.exec(step)?.[1];
      if (code !== undefined && !code.startsWith('<')) {
        const mistake = checkExpectedCode(code);
        if (mistake) mistakes.push(`${where}: ${HarnessCodes.BAD_EXPECTATION}: ${mistake}`);
      }
    });
  }
  return mistakes;
}
