/**
 * A PKCS#11 token served by a virtual card through card middleware (the piv profile
 * through OpenSC's opensc-pkcs11.so), for `Given the PKCS#11 token "X"` when the run maps
 * X to a card profile (world parameter `cardTokens`, docs/piv.md).
 *
 * The card runs in a child process (simulator/cli.ts): the module calls SCardTransmit
 * synchronously on the worker's thread, and a card answering from that thread's event
 * loop would wait for itself. Each token() makes a fresh card, so every scenario starts
 * from the profile's keys and PIN tries.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { HarnessCodes, HarnessError } from '../../core/errors.js';
import { packageRoot } from '../../core/paths.js';
import type { CardProfile } from '../../core/profile/types.js';
import { onCleanup } from '../cleanup.js';
import { openPkcs11Module } from '../pkcs11/module.js';
import type { TokenAccess } from '../pkcs11/token.js';
import type { PcscContext } from '../pcsc/client.js';
import { CARD_EVENT_TIMEOUT_MS } from './card-flow.js';
import { pkcs11ModuleForCard } from './card-modules.js';

/** The PIV card's factory PIN and PUK (docs/piv.md); the PUK stands in for the SO PIN. */
const PIV_PINS = { userPin: '123456', soPin: '12345678' };

export class CardTokenProcess {
  private child: ChildProcess | undefined;
  private unregister: (() => void) | undefined;

  constructor(
    private readonly slot: number,
    private readonly readerName: string,
  ) {}

  get running(): boolean {
    return this.child !== undefined;
  }

  /** A fresh card of `profile` in the reader, then the module's token on it. */
  async token(profileName: string, profile: CardProfile, pcsc: PcscContext): Promise<TokenAccess> {
    const modulePath = pkcs11ModuleForCard(profile);
    if (modulePath === undefined) {
      throw new HarnessError(HarnessCodes.BAD_USAGE, `card profile "${profileName}" has no applet that card middleware serves as a PKCS#11 token (piv has)`);
    }
    if (this.child) {
      await this.stop();
      await pcsc.waitForEmpty(this.readerName, CARD_EVENT_TIMEOUT_MS);
    }
    await this.start(profileName);
    await pcsc.waitForCard(this.readerName, CARD_EVENT_TIMEOUT_MS);
    // The card answers from another process now: the module may block this thread.
    const module = openPkcs11Module({ modulePath, env: {} });
    module.reinitializeIfIdle(undefined);
    const tokens = module.tokens(undefined);
    if (tokens.length !== 1) {
      throw new HarnessError(
        HarnessCodes.NO_TOKEN,
        `${modulePath} shows ${tokens.length} tokens; a card-backed token needs the only card in the readers (run one worker)`,
      );
    }
    return { modulePath, label: tokens[0]!.info.label.trimEnd(), ...PIV_PINS, env: {} };
  }

  private start(profileName: string): Promise<void> {
    const cli = join(packageRoot(), 'dist', 'simulator', 'cli.js');
    // The card ends with this process: its stdin closes when this process dies, however.
    const child = spawn(process.execPath, [cli, '--profile', profileName, '--slot', String(this.slot), '--exit-with-stdin'], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child = child;
    this.unregister = onCleanup(() => child.kill('SIGKILL'));
    return new Promise((resolve, reject) => {
      let out = '';
      let err = '';
      child.stdout!.on('data', (c: Buffer) => {
        out += c.toString();
        if (/^inserted /m.test(out)) resolve();
      });
      child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
      child.once('exit', (code) => {
        this.child = undefined;
        reject(new HarnessError(HarnessCodes.CARD_ERROR, `the card process for "${profileName}" ended (${code}) before its card was in the reader: ${err.trim()}`));
      });
    });
  }

  /** Takes the card out (the process removes it from vpcd) and waits for the process's end. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    this.unregister?.();
    this.unregister = undefined;
  }
}
