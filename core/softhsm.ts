/**
 * SoftHSM tokens: the one softhsm2.conf, `softhsm2-util --init-token` call and module path
 * that both the simulator container and the harness's simulator target (src/targets/softhsm.ts)
 * use, and the container's token store: one token per label, initialised the first time
 * it is asked for and the same for the container's life (one run). caml-crush's pkcs11proxyd serves
 * them to the host; a client sees a new token after its next C_Initialize.
 */
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import { HarnessCodes, HarnessError } from './errors.js';
import { OncePerKey } from './once-per-key.js';

const run = promisify(execFile);

/** Debian's and Ubuntu's path of SoftHSM's PKCS#11 module. */
export const SOFTHSM_MODULE = '/usr/lib/softhsm/libsofthsm2.so';

export interface TokenPins {
  userPin: string;
  soPin: string;
}

/** The PINs of every token made unless configured otherwise (docs/steps.md: 1234 and 5678). */
export const DEFAULT_TOKEN_PINS: Readonly<TokenPins> = Object.freeze({ userPin: '1234', soPin: '5678' });

/** Writes a softhsm2.conf whose tokens live in `tokenDir` (both folders made if missing). */
export async function writeSoftHsmConf(confPath: string, tokenDir: string): Promise<void> {
  await mkdir(tokenDir, { recursive: true });
  await mkdir(dirname(confPath), { recursive: true });
  await writeFile(confPath, [`directories.tokendir = ${tokenDir}`, 'objectstore.backend = file', 'log.level = ERROR', 'slots.removable = false', ''].join('\n'));
}

export class SoftHsmTokenStore {
  /** The PINs each token was (or is being) made with. */
  private readonly pins = new Map<string, TokenPins>();
  private readonly made = new OncePerKey((label) => this.initToken(label, this.pins.get(label)!));

  constructor(private readonly confPath: string) {}

  get labels(): string[] {
    return this.made.keys;
  }

  /** The token labelled `label`; `created` says whether this call initialised it. */
  async token(label: string, pins: TokenPins): Promise<{ label: string; created: boolean }> {
    const known = this.pins.get(label);
    if (known && (known.userPin !== pins.userPin || known.soPin !== pins.soPin)) {
      throw new HarnessError(HarnessCodes.UNSUPPORTED, `the token "${label}" exists already with other PINs; one run uses one set of PINs per token`);
    }
    const created = known === undefined;
    this.pins.set(label, pins);
    try {
      await this.made.get(label);
    } catch (error) {
      // Not kept (nor are its PINs): the next request tries again and reports its own error.
      this.pins.delete(label);
      throw error;
    }
    return { label, created };
  }

  private initToken(label: string, pins: TokenPins): Promise<void> {
    return initSoftHsmToken(this.confPath, label, pins, 'softhsm2-util is missing in the simulator image (Debian package softhsm2)');
  }
}

/**
 * Initialises a token labelled `label` in a free slot of the SoftHSM whose configuration
 * is `confPath`. `missingMessage` is the error's message when softhsm2-util is not installed.
 */
export async function initSoftHsmToken(confPath: string, label: string, pins: TokenPins, missingMessage: string): Promise<void> {
  try {
    await run('softhsm2-util', ['--init-token', '--free', '--label', label, '--pin', pins.userPin, '--so-pin', pins.soPin], {
      env: { ...process.env, SOFTHSM2_CONF: confPath },
    });
  } catch (error) {
    const { code, stderr } = error as { code?: unknown; stderr?: string };
    if (code === 'ENOENT') throw new HarnessError(HarnessCodes.MISSING_DEPENDENCY, missingMessage);
    // The PINs were on the command line: the message quotes only softhsm2-util's own output.
    throw new HarnessError(HarnessCodes.UNSUPPORTED, `softhsm2-util could not make the token "${label}": ${stderr?.trim() || 'no message'}`);
  }
}
