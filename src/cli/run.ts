import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { constants } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { endsItselfOnSignals } from '../cleanup.js';
import { HarnessCodes, HarnessError } from '../../core/errors.js';
import { isTargetName } from '../targets/create.js';
import { isTokenBackend, TOKEN_BACKENDS } from '../targets/token-card.js';
import { ensureHostImage } from '../targets/container.js';
import { ensurePcscd } from '../targets/pcscd.js';
import { last, parseArgs } from './args.js';
import { keyPlanOfFeatures } from './key-plan.js';
import { preflight, splitFeaturePath } from './preflight.js';
import { KEY_PLAN_ENV } from '../pkcs11/key-plan.js';
import { VERBOSE_ENV } from '../quiet-errors.js';
import { packageRoot } from '../../core/paths.js';
import { findUserStepFiles, foreignCucumberImports, needsTypeScript, typeScriptNodeOptions } from './user-steps.js';

export const RUN_HELP = `Usage: cardspec run [--target simulator|container|hardware] [--card PROFILE] [--config FILE] [--token-backend softhsm|piv] [--steps PATH]... [--verbose] [PATH...] [-- CUCUMBER-OPTIONS]

Runs feature files or folders (default: features/) on the target (default: simulator).
--card sets the profile of "Given a card is inserted" (on hardware: the ATR to wait for).
--config names the hardware target's configuration (default: cardspec.hardware.yaml if
there is one; without it, the hardware target uses the one reader that holds a card).
--token-backend piv serves the PKCS#11 tokens of the simulator and container targets by a
virtual PIV card through OpenSC instead of SoftHSM, and leaves out @softhsm-only scenarios
(docs/piv.md).
--steps names the project's step files or folders (default: every .ts, .js and .mjs file
under steps/); TypeScript step files run without a build.
--verbose adds stack traces to errors (as CARDSPEC_VERBOSE=1 does), for bug reports.
Profiles, the configuration and "Then it fails with" codes are checked before the first
scenario: a mistake there stops the run with exit code 2.
Options after -- go to cucumber
(--parallel 2, --tags @smoke, --format html:report.html, ...). Exits 0 only when every
scenario passed.`;

/** Whether a folder holds a .feature file at some depth. */
function holdsFeatures(dir: string): boolean {
  return readdirSync(dir, { withFileTypes: true }).some((entry) =>
    entry.isDirectory() ? holdsFeatures(join(dir, entry.name)) : entry.name.endsWith('.feature'));
}

/**
 * A mistyped path must not make a green run of no scenarios: each path is a feature file
 * (with an optional `:LINE`) or a folder that holds some.
 */
function checkFeaturePath(path: string): void {
  const { file } = splitFeaturePath(path);
  if (!existsSync(file)) throw new HarnessError(HarnessCodes.BAD_USAGE, `no feature file or folder "${file}"`);
  if (statSync(file).isDirectory() && !holdsFeatures(file)) {
    throw new HarnessError(HarnessCodes.BAD_USAGE, `the folder "${file}" holds no .feature files`);
  }
}

/**
 * Runs cucumber in a child process with the project's steps and the target's profile, so
 * that cucumber's own options pass through untouched. The simulator's pcscd is made sure
 * of here, once, before the workers start.
 */
export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv, ['target', 'card', 'config', 'token-backend', 'steps'], ['help', 'verbose']);
  if (args.flags.has('help')) {
    console.log(RUN_HELP);
    return 0;
  }
  const target = last(args, 'target') ?? 'simulator';
  if (!isTargetName(target)) {
    throw new HarnessError(HarnessCodes.BAD_USAGE, `unknown target "${target}": use simulator, container or hardware`);
  }
  const tokenBackend = last(args, 'token-backend') ?? 'softhsm';
  if (!isTokenBackend(tokenBackend)) {
    throw new HarnessError(HarnessCodes.BAD_USAGE, `unknown token backend "${tokenBackend}": use ${TOKEN_BACKENDS.join(' or ')}`);
  }
  if (tokenBackend !== 'softhsm' && target === 'hardware') {
    throw new HarnessError(HarnessCodes.BAD_USAGE, `--token-backend ${tokenBackend} is for the simulator and container targets: on hardware the configuration names the PKCS#11 module`);
  }
  const card = last(args, 'card');
  const config = last(args, 'config');
  const root = packageRoot();
  const require = createRequire(join(root, 'package.json'));
  const cucumberBin = join(require.resolve('@cucumber/cucumber/package.json'), '..', 'bin', 'cucumber.js');

  const paths = args.positionals.length ? args.positionals : ['features/'];
  for (const path of paths) checkFeaturePath(path);
  const mistakes = preflight({ target, card, config, paths });
  if (mistakes.length > 0) {
    console.error(`cardspec run: ${mistakes.length === 1 ? 'a mistake' : `${mistakes.length} mistakes`} found before the run; no scenario was run:`);
    for (const mistake of mistakes) console.error(`  ${mistake}`);
    return 2;
  }
  const userSteps = findUserStepFiles(process.cwd(), root, args.options.get('steps') ?? []);
  for (const file of foreignCucumberImports(userSteps, root)) {
    console.error(`cardspec run: ${relative(process.cwd(), file)} imports another copy of @cucumber/cucumber than the one that runs the steps, so its steps would be undefined: import Given, When, Then from 'cardspec' instead`);
  }
  const pcscd = target === 'simulator' ? await ensurePcscd() : undefined;
  // Built once here, not by each worker, and before cucumber's hook timeouts start.
  if (target === 'container') await ensureHostImage(undefined, (line) => console.error(`docker build: ${line}`));
  const worldParameters = JSON.stringify({ target, ...(tokenBackend !== 'softhsm' ? { tokenBackend } : {}), ...(card ? { card } : {}), ...(config ? { config: resolve(config) } : {}) });
  const cucumberArgs = [
    ...(needsTypeScript(userSteps) ? typeScriptNodeOptions() : []),
    cucumberBin,
    // cucumber resolves the config file against the working directory, even an absolute path.
    '--config', relative(process.cwd(), join(root, 'cucumber.js')),
    // A card backend has a profile per target (simulator-piv: tags and world parameter).
    '--profile', tokenBackend === 'softhsm' ? target : `${target}-${tokenBackend}`,
    '--world-parameters', worldParameters,
    // After the built-in steps and hooks of the profile: the World is set when these load.
    ...userSteps.flatMap((file) => ['--import', file]),
    ...paths,
    ...args.passthrough,
  ];
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...(args.flags.has('verbose') ? { [VERBOSE_ENV]: '1' } : {}) };
  // The simulated targets make their SoftHSM tokens: the workers make the RSA keys ahead (src/pkcs11/key-plan.ts).
  if (target !== 'hardware' && tokenBackend === 'softhsm') childEnv[KEY_PLAN_ENV] = JSON.stringify(keyPlanOfFeatures(paths));
  // This process outlives its cucumber child on a signal, and stops pcscd only after the
  // workers have taken their cards out.
  endsItselfOnSignals();
  let stoppedBy: string | undefined;
  try {
    return await new Promise<number>((resolve, reject) => {
      const child = spawn(process.execPath, cucumberArgs, { stdio: 'inherit', env: childEnv });
      // Ctrl-C reaches the child through the terminal's process group; SIGTERM is passed on.
      const forward = (): void => {
        stoppedBy = 'SIGTERM';
        child.kill('SIGTERM');
      };
      const wait = (): void => {
        stoppedBy = 'SIGINT';
      };
      process.on('SIGTERM', forward);
      process.on('SIGINT', wait);
      child.once('error', reject);
      child.once('exit', (code, signal) => {
        process.off('SIGTERM', forward);
        process.off('SIGINT', wait);
        resolve(code ?? (signal ? 128 + (constants.signals[signal] ?? 0) : 1));
      });
    });
  } finally {
    await pcscd?.stop();
    if (stoppedBy) {
      // Each worker removes what it made on the signal (src/cleanup.ts); this process, the pcscd it started.
      const made = target === 'container' ? 'its containers' : target === 'simulator' ? 'its virtual cards and SoftHSM tokens' : 'its card connections and PKCS#11 sessions';
      console.error(`cardspec run: stopped (${stoppedBy}); removed ${made}${pcscd?.startedHere ? ' and the pcscd it started' : ''}`);
    }
  }
}
