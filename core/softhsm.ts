/**
 * SoftHSM tokens: the one softhsm2.conf, `softhsm2-util --init-token` call and module path
 * that both the simulator container and the harness's simulator target (src/targets/softhsm.ts)
 * use, and the container's token store: one token per label, initialised the first time
 * it is asked for and the same for the container's life (one run). caml-crush's pkcs11proxyd serves
 * them to the host; a client sees a new token after its next C_Initialize.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
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

const TOKEN_DIR_LINE = /^directories\.tokendir = (.+)$/m;

/** Writes a softhsm2.conf whose tokens live in `tokenDir` (both folders made if missing). */
export async function writeSoftHsmConf(confPath: string, tokenDir: string): Promise<void> {
  await mkdir(tokenDir, { recursive: true });
  await mkdir(dirname(confPath), { recursive: true });
  await writeFile(confPath, [`directories.tokendir = ${tokenDir}`, 'objectstore.backend = file', 'log.level = ERROR', 'slots.removable = false', ''].join('\n'));
}

/** The token folder of a softhsm2.conf that writeSoftHsmConf wrote. */
async function tokenDirOf(confPath: string): Promise<string> {
  const tokenDir = TOKEN_DIR_LINE.exec(await readFile(confPath, 'utf8'))?.[1];
  if (tokenDir === undefined) throw new HarnessError(HarnessCodes.UNSUPPORTED, `${confPath} names no directories.tokendir`);
  return tokenDir;
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
 * Initialises a token labelled `label` for the SoftHSM whose configuration is `confPath`.
 * `missingMessage` is the error's message when softhsm2-util is not installed.
 *
 * softhsm2-util writes a token in two steps (C_InitToken, then C_InitPIN), and a SoftHSM
 * that reads the token in between (another of the run's tokens in use, a seed being made)
 * keeps it without a user PIN for as long as it runs: every login there fails with
 * CKR_USER_PIN_NOT_INITIALIZED. So the token is made in a folder of its own beside the
 * token folder and moved in whole, with a rename, once both steps are done.
 */
export async function initSoftHsmToken(confPath: string, label: string, pins: TokenPins, missingMessage: string): Promise<void> {
  const tokenDir = await tokenDirOf(confPath);
  // Beside the token folder: on its file system, so that the rename is one step.
  const staging = await mkdtemp(join(dirname(tokenDir), '.token-'));
  try {
    const stagingConf = join(staging, 'softhsm2.conf');
    await writeSoftHsmConf(stagingConf, join(staging, 'tokens'));
    try {
      await run('softhsm2-util', ['--init-token', '--free', '--label', label, '--pin', pins.userPin, '--so-pin', pins.soPin], {
        env: { ...process.env, SOFTHSM2_CONF: stagingConf },
      });
    } catch (error) {
      const { code, stderr } = error as { code?: unknown; stderr?: string };
      if (code === 'ENOENT') throw new HarnessError(HarnessCodes.MISSING_DEPENDENCY, missingMessage);
      // The PINs were on the command line: the message quotes only softhsm2-util's own output.
      throw new HarnessError(HarnessCodes.UNSUPPORTED, `softhsm2-util could not make the token "${label}": ${stderr?.trim() || 'no message'}`);
    }
    for (const made of await readdir(join(staging, 'tokens'))) await rename(join(staging, 'tokens', made), join(tokenDir, made));
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
