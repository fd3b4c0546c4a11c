import { execFile } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { onCleanup } from '../cleanup.js';
import { HarnessCodes, HarnessError } from '../errors.js';
import type { TokenAccess } from './target.js';

const run = promisify(execFile);

/** Debian's and Ubuntu's path of the SoftHSM module. */
export const DEFAULT_SOFTHSM_MODULE = '/usr/lib/softhsm/libsofthsm2.so';

export interface SoftHsmOptions {
  modulePath?: string;
  /** PINs of every token made (STEPS.md: 1234 and 5678 unless configured otherwise). */
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
  private readonly tokens = new Map<string, Promise<TokenAccess>>();
  private folder: Promise<{ dir: string; conf: string }> | undefined;
  private dir: string | undefined;
  private unregisterCleanup: (() => void) | undefined;

  constructor(options: SoftHsmOptions = {}) {
    this.modulePath = options.modulePath ?? DEFAULT_SOFTHSM_MODULE;
    this.userPin = options.userPin ?? '1234';
    this.soPin = options.soPin ?? '5678';
  }

  /** The token labelled `label`, initialised the first time it is asked for. */
  token(label: string): Promise<TokenAccess> {
    let token = this.tokens.get(label);
    if (!token) {
      token = this.initToken(label);
      // A failed initialisation is not cached: the next scenario tries again and reports its own error.
      token.catch(() => this.tokens.delete(label));
      this.tokens.set(label, token);
    }
    return token;
  }

  async dispose(): Promise<void> {
    const dir = this.forget();
    if (dir) await rm(dir, { recursive: true, force: true });
  }

  /** For exit and signal handlers, which cannot wait. */
  disposeSync(): void {
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
    const env = { SOFTHSM2_CONF: conf };
    try {
      await run('softhsm2-util', ['--init-token', '--free', '--label', label, '--pin', this.userPin, '--so-pin', this.soPin], {
        env: { ...process.env, ...env },
      });
    } catch (error) {
      const { code, stderr } = error as { code?: unknown; stderr?: string };
      if (code === 'ENOENT') {
        throw new HarnessError(HarnessCodes.MISSING_DEPENDENCY, 'softhsm2-util is not installed (Debian: apt-get install softhsm2)');
      }
      // The PINs were on the command line: the message quotes only softhsm2-util's own output.
      throw new HarnessError(HarnessCodes.UNSUPPORTED, `softhsm2-util could not make the token "${label}": ${stderr?.trim() || 'no message'}`);
    }
    return { modulePath: this.modulePath, label, userPin: this.userPin, soPin: this.soPin, env };
  }

  private async makeFolder(): Promise<{ dir: string; conf: string }> {
    const dir = await mkdtemp(join(tmpdir(), 'cardspec-softhsm-'));
    this.dir = dir;
    this.unregisterCleanup = onCleanup(() => this.disposeSync());
    const tokenDir = join(dir, 'tokens');
    await mkdir(tokenDir);
    const conf = join(dir, 'softhsm2.conf');
    await writeFile(conf, [`directories.tokendir = ${tokenDir}`, 'objectstore.backend = file', 'log.level = ERROR', 'slots.removable = false', ''].join('\n'));
    return { dir, conf };
  }
}
