/**
 * Card-backed PKCS#11 tokens: on the simulator and container targets, with `--token-backend
 * piv`, the token a scenario names is served by a virtual PIV card through the system's
 * card middleware (OpenSC's opensc-pkcs11.so) instead of SoftHSM. The card sits in a vpcd
 * reader of its own, never the reader of the APDU steps' card, and OpenSC is told to
 * ignore every other reader (docs/piv.md, "Card-backed tokens").
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HarnessCodes, HarnessError } from '../../core/errors.js';
import { loadProfile } from '../../core/profile/index.js';
import { DEFAULT_TOKEN_PINS } from '../../core/softhsm.js';
import { vpcdReaderName } from '../../core/vpcd.js';
import { runFolder, type RunFolder } from '../cleanup.js';
import type { PcscContext } from '../pcsc/client.js';
import type { TokenAccess } from '../pkcs11/token.js';
import { ApduTrace } from '../trace/trace.js';
import { CARD_EVENT_TIMEOUT_MS } from './card-flow.js';
import { CardHost } from './card-host.js';
import { pkcs11ModuleForCard } from './card-modules.js';

/** Where a run's PKCS#11 tokens come from: SoftHSM (the default) or a virtual card through its middleware. */
export const TOKEN_BACKENDS = ['softhsm', 'piv'] as const;
export type TokenBackend = (typeof TOKEN_BACKENDS)[number];

export function isTokenBackend(name: string): name is TokenBackend {
  return (TOKEN_BACKENDS as readonly string[]).includes(name);
}

/**
 * The card profile behind each card backend: the piv card with the simulated tokens' PINs
 * (user 1234, SO 5678 as the PUK) and keys in 9A, 9C, 9D and 9E.
 */
export const TOKEN_CARD_PROFILES: Readonly<Record<Exclude<TokenBackend, 'softhsm'>, string>> = { piv: 'piv-token' };

/** The reader that holds a token card, and how a target puts a fresh card in it. */
export interface TokenCardReader {
  readonly reader: string;
  /** Puts a fresh card of `profile` in the reader; true when it replaced a card behind the same vpcd connection. */
  put(profile: string): Promise<boolean>;
  /** Takes the card out. */
  close(): Promise<void>;
}

/**
 * OpenSC's configuration for one token reader: every other reader is ignored, so
 * OpenSC never talks to the APDU steps' card (which answers from the cucumber worker's
 * own thread, blocked during a PKCS#11 call) nor to another worker's; PUK unblocking
 * goes through C_SetPIN in a session without login (OpenSC's user_pin_unblock_style).
 */
export function openscConf(tokenReader: string, readers: readonly string[]): string {
  const ignored = readers.filter((r) => r !== tokenReader);
  return [
    '# Written by cardspec for one run: OpenSC sees only the token card\'s reader.',
    'app default {',
    ...(ignored.length > 0 ? [`  ignored_readers = ${ignored.map((r) => `"${r.replace(/["\\]/g, '')}"`).join(', ')};`] : []),
    '  framework pkcs15 {',
    '    use_file_caching = no;',
    '  }',
    '  pkcs11 {',
    '    user_pin_unblock_style = set_pin_in_unlogged_session;',
    '  }',
    '}',
    '',
  ].join('\n');
}

/**
 * The card-backed tokens of one worker: a fresh card per scenario (PIN tries, keys and
 * objects never carry over), put in on the scenario's first token step. Every label a
 * feature names is the same card: a card is one token.
 */
export class CardTokens {
  private stale = true;
  private conf: Promise<string> | undefined;
  private modulePath: string | undefined;
  private folder: RunFolder | undefined;
  readonly profile: string;
  readonly reader: string;
  private readonly userPin: string;
  private readonly soPin: string;

  constructor(
    private readonly holder: TokenCardReader,
    private readonly pcsc: () => PcscContext,
    options: { backend: Exclude<TokenBackend, 'softhsm'>; userPin?: string; soPin?: string },
  ) {
    this.profile = TOKEN_CARD_PROFILES[options.backend];
    this.reader = holder.reader;
    this.userPin = options.userPin ?? DEFAULT_TOKEN_PINS.userPin;
    this.soPin = options.soPin ?? DEFAULT_TOKEN_PINS.soPin;
  }

  /** The PKCS#11 module that serves the token card, found once (its profile is loaded with its key files). */
  private moduleOfCard(): string {
    const modulePath = pkcs11ModuleForCard(loadProfile(this.profile));
    if (modulePath === undefined) throw new HarnessError(HarnessCodes.UNSUPPORTED, `the card profile ${this.profile} has no applet that a PKCS#11 module serves`);
    return modulePath;
  }

  /** The next token step puts a fresh card in. */
  beginScenario(): void {
    this.stale = true;
  }

  async token(label: string): Promise<TokenAccess> {
    const modulePath = (this.modulePath ??= this.moduleOfCard());
    const conf = await (this.conf ??= this.writeConf());
    if (this.stale) {
      await this.freshCard();
      this.stale = false;
    }
    return { modulePath, label, reader: this.holder.reader, userPin: this.userPin, soPin: this.soPin, env: { OPENSC_CONF: conf } };
  }

  async dispose(): Promise<void> {
    const folder = this.folder;
    this.folder = undefined;
    this.conf = undefined;
    try {
      await this.holder.close();
    } finally {
      await folder?.remove();
    }
  }

  private async freshCard(): Promise<void> {
    const reader = this.holder.reader;
    if (await this.holder.put(this.profile)) {
      // OpenSC keeps its PC/SC handle from scenario to scenario: the reset tells it the
      // card changed, so it reconnects and selects the PIV application on the new card.
      const connection = await this.pcsc().connect(reader, new ApduTrace());
      try {
        await connection.reset();
      } finally {
        connection.disconnect();
      }
    } else {
      await this.pcsc().waitForCard(reader, CARD_EVENT_TIMEOUT_MS);
    }
  }

  private async writeConf(): Promise<string> {
    // Owned, so that the next run removes it if this one is killed before its cleanup.
    this.folder = await runFolder('opensc');
    const file = join(this.folder.dir, 'opensc.conf');
    await writeFile(file, openscConf(this.holder.reader, this.pcsc().listReaders().map((r) => r.name)));
    return file;
  }
}

/**
 * The token card's vpcd reader on the simulator target: worker i of n takes reader n + i
 * (the APDU steps' card has reader i), its card in a thread of its own.
 */
export function tokenReaderSlot(worker: number, workers: number): number {
  return workers + worker;
}

/**
 * A virtual card in vpcd slot `slot`, answering from a thread of its own: the card thread
 * of the simulator target (CardHost), here holding the token's card.
 */
export class ThreadTokenCardReader implements TokenCardReader {
  readonly reader: string;
  private host: CardHost | undefined;

  constructor(private readonly slot: number) {
    this.reader = vpcdReaderName(slot);
  }

  async put(profile: string): Promise<boolean> {
    const host = (this.host ??= new CardHost(this.slot));
    const replaced = host.inserted;
    await host.insert({ profile, moduleCode: undefined });
    return replaced;
  }

  async close(): Promise<void> {
    const host = this.host;
    this.host = undefined;
    await host?.close();
  }
}
