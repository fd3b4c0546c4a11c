import { OncePerKey } from '../../core/once-per-key.js';
import { existsSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_TOKEN_PINS, initSoftHsmToken, SOFTHSM_MODULE, writeSoftHsmConf } from '../../core/softhsm.js';
import { onCleanup } from '../cleanup.js';
import { makeOwnedTempDir, removeStaleTempDirsOnce } from '../../core/owned-dirs.js';
import { HarnessCodes, HarnessError } from '../../core/errors.js';
import type { PlannedSeed } from '../pkcs11/key-plan.js';
import { SeedsAhead } from '../pkcs11/seed-maker.js';
import type { TokenAccess } from '../pkcs11/token.js';

export interface SoftHsmOptions {
  /** The SoftHSM module (default: Debian's and Ubuntu's path, SOFTHSM_MODULE). */
  modulePath?: string;
  /** PINs of every token made (DEFAULT_TOKEN_PINS, docs/steps.md's 1234 and 5678, unless configured otherwise). */
  userPin?: string;
  soPin?: string;
}

/**
 * SoftHSM tokens made for one run: a temporary token folder and softhsm2.conf, one token
 * per label, initialised on first use and the same for the rest of the run. dispose()
 * removes the folder; an exit or signal handler does it too if the run is cut short.
 */
export class SoftHsmTokens {
  private readonly modulePath: string;
  private readonly userPin: string;
  private readonly soPin: string;
  private readonly tokens = new OncePerKey((label) => this.initToken(label));
  private folder: Promise<{ dir: string; conf: string }> | undefined;
  private dir: string | undefined;
  private unregisterCleanup: (() => void) | undefined;
  /** Seeds made ahead by a child process (makeSeedsAhead). */
  private readonly seedsAhead = new SeedsAhead();

  constructor(options: SoftHsmOptions = {}) {
    this.modulePath = options.modulePath ?? SOFTHSM_MODULE;
    this.userPin = options.userPin ?? DEFAULT_TOKEN_PINS.userPin;
    this.soPin = options.soPin ?? DEFAULT_TOKEN_PINS.soPin;
  }

  /** The token labelled `label`, initialised the first time it is asked for. */
  token(label: string): Promise<TokenAccess> {
    return this.tokens.get(label);
  }

  /**
   * Makes the tokens of `seeds` and starts making those seeds in a child process
   * (seed-maker.ts), in the background: scenarios that ask for one wait for it instead of
   * generating it. Only a head start: what fails here is made when a scenario asks.
   */
  makeSeedsAhead(seeds: readonly PlannedSeed[]): void {
    this.seedsAhead.start(seeds, (label) => this.token(label));
  }

  async dispose(): Promise<void> {
    await this.seedsAhead.stop();
    const dir = this.forget();
    if (dir) await rm(dir, { recursive: true, force: true });
  }

  /** For exit and signal handlers, which cannot wait. */
  disposeSync(): void {
    this.seedsAhead.stopSync();
    const dir = this.forget();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }

  private forget(): string | undefined {
    const dir = this.dir;
    this.unregisterCleanup?.();
    this.unregisterCleanup = undefined;
    this.dir = undefined;
    this.folder = undefined;
    this.tokens.clear();
    return dir;
  }

  private async initToken(label: string): Promise<TokenAccess> {
    if (!existsSync(this.modulePath)) {
      throw new HarnessError(HarnessCodes.MISSING_DEPENDENCY, `the SoftHSM module ${this.modulePath} is missing (Debian: apt-get install softhsm2)`);
    }
    const { conf } = await (this.folder ??= this.makeFolder());
    const pins = { userPin: this.userPin, soPin: this.soPin };
    await initSoftHsmToken(conf, label, pins, 'softhsm2-util is not installed (Debian: apt-get install softhsm2)');
    return {
      modulePath: this.modulePath,
      label,
      ...pins,
      env: { SOFTHSM2_CONF: conf },
      keySeeds: (keyType, ordinal) => this.seedsAhead.made(label, keyType, ordinal),
    };
  }

  private async makeFolder(): Promise<{ dir: string; conf: string }> {
    removeStaleTempDirsOnce();
    const dir = await makeOwnedTempDir('softhsm');
    this.dir = dir;
    this.unregisterCleanup = onCleanup(() => this.disposeSync());
    const conf = join(dir, 'softhsm2.conf');
    await writeSoftHsmConf(conf, join(dir, 'tokens'));
    return { dir, conf };
  }
}
