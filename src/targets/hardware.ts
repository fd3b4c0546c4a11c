import { existsSync } from 'node:fs';
import { ProfileCache } from '../../core/profile/index.js';
import { toHex } from '../../core/apdu/hex.js';
import { HarnessCodes, HarnessError } from '../../core/errors.js';
import { PcscContext, type CardConnection, type CommandGuard, type ReaderInfo } from '../pcsc/client.js';
import { cardPinForms, pinGuard } from '../pcsc/pin-guard.js';
import type { ApduTrace } from '../trace/trace.js';
import { DEFAULT_CONFIG_FILE, DEFAULT_TOKEN_PIN, defaultHardwareConfig, loadHardwareConfig, parseReaderSelector, resolveSecret, selectReaders, type HardwareConfig } from './hardware-config.js';
import type { TokenAccess } from '../pkcs11/token.js';
import type { ScenarioInfo, Target } from './target.js';

export interface HardwareOptions {
  defaultCard?: string | undefined;
  /**
   * The configuration file (default: cardspec.hardware.yaml in the working directory
   * when there is one; without it, the run needs no configuration at all).
   */
  config?: string | undefined;
  /**
   * A reader selector (name, /pattern/ or index) in place of the configuration's; with it
   * and no configuration file, the defaults apply (`cardspec shell --reader`).
   */
  reader?: string | undefined;
  /** Where `${env:NAME}` of the configuration is read (default: the process's environment). */
  env?: Readonly<Record<string, string | undefined>> | undefined;
}

/** The configured card PIN, as the guard trusts it: its forms, and what a refusal says of it. */
interface CardPinTrust {
  forms: readonly string[];
  note: string;
}

/**
 * Physical readers through the system's pcscd, and the vendor's PKCS#11 module. Cards are
 * precious here: commands that could block a PIN are refused unless the scenario is
 * tagged @destructive, and cards stay where a person put them.
 */
export class HardwareTarget implements Target {
  readonly name = 'hardware';
  readonly canMoveCards = false;
  private readonly config: HardwareConfig;
  /** The configuration file, or undefined for a run without one. */
  private readonly configFile: string | undefined;
  private pcscContext: PcscContext | undefined;
  /** The readers of the bench: the configured selector's matches. */
  private readers: string[] = [];
  private connection: CardConnection | undefined;
  private destructive = false;
  private secretBytes: ReadonlySet<string> = new Set();
  /** The configured card PIN, read at its first use. */
  private cardPin: CardPinTrust | undefined;
  /** Set once a @destructive scenario sent a command that may give a PIN a new value. */
  private cardPinChanged = false;
  private readonly profiles = new ProfileCache();

  constructor(private readonly options: HardwareOptions = {}) {
    const named = options.config ?? process.env.CARDSPEC_CONFIG;
    this.configFile = named ?? (existsSync(DEFAULT_CONFIG_FILE) ? DEFAULT_CONFIG_FILE : undefined);
    const config = this.configFile === undefined ? defaultHardwareConfig() : loadHardwareConfig(this.configFile);
    this.config = options.reader === undefined ? config : { ...config, reader: parseReaderSelector(options.reader) };
  }

  get pcsc(): PcscContext {
    if (!this.pcscContext) throw new HarnessError(HarnessCodes.NOT_STARTED, 'the hardware target is not started');
    return this.pcscContext;
  }

  async start(): Promise<void> {
    this.pcscContext = PcscContext.open();
    const readers = this.pcscContext.listReaders().map((r) => r.name);
    if (this.config.reader) {
      this.readers = selectReaders(this.config.reader, readers);
    } else {
      if (readers.length === 0) throw new HarnessError(HarnessCodes.UNKNOWN_READER, 'pcscd has no readers: plug one in (cardspec readers lists what pcscd sees)');
      this.readers = readers;
    }
  }

  beginScenario(scenario: ScenarioInfo): void {
    this.destructive = scenario.tags.includes('@destructive');
    this.secretBytes = scenario.secretBytes;
  }

  /**
   * The PIN guard of a connection to a card of the bench: the scenario's @destructive, and
   * the card PIN of the configuration (`cardPin`, default `${env:CARD_PIN}`), the only
   * value it sends without reading the tries left.
   */
  cardGuard(): CommandGuard {
    return pinGuard({
      allowed: () => this.destructive,
      cardPin: () => this.cardPinTrust().forms,
      secretBytes: () => this.secretBytes,
      cardPinNote: () => this.cardPinTrust().note,
      pinChanged: () => {
        this.cardPinChanged = true;
      },
    });
  }

  /**
   * What the guard trusts: nothing when the configured PIN cannot be read or is empty
   * (fail closed), nor after a PIN may have been given a new value in this run.
   */
  private cardPinTrust(): CardPinTrust {
    const source = `cardPin ${this.config.cardPin}`;
    if (this.cardPinChanged) {
      return { forms: [], note: `a PIN may have been given a new value earlier in this run, so even the configured card PIN, ${source}, is checked` };
    }
    if (!this.cardPin) {
      try {
        const forms = cardPinForms(resolveSecret(this.config.cardPin, this.options.env));
        this.cardPin = { forms, note: forms.length > 0 ? `only the configured card PIN, ${source}, is sent without this check` : `the configured card PIN, ${source}, is empty, so no value is sent without this check` };
      } catch (error) {
        this.cardPin = { forms: [], note: `no value is sent without this check: ${source} gives no PIN (${(error as Error).message})` };
      }
    }
    return this.cardPin;
  }

  /**
   * Waits for a card in one of the bench's readers (with the profile's ATR, when a profile
   * is named), then connects, or resets the card already connected there so that the
   * scenario starts from a fresh card session.
   */
  async insertCard(profile: string | undefined, trace: ApduTrace): Promise<CardConnection> {
    const name = profile ?? this.options.defaultCard;
    const atr = name === undefined ? undefined : this.profiles.get(name).atr;
    const holds = (r: ReaderInfo): boolean => r.present && (atr === undefined || (r.atr !== undefined && r.atr.equals(atr)));
    const found = await this.pcsc.waitForReaderState(
      this.readers,
      holds,
      this.config.cardTimeoutMs,
      atr === undefined ? 'card' : `card with the ATR of profile ${name} (${toHex(atr)})`,
    );
    const reader = this.config.reader ? found.name : this.onlyReaderHolding(holds, name);
    if (this.connection?.connected && this.connection.readerName === reader) {
      this.connection.trace = trace;
      try {
        await this.connection.reset();
        return this.connection;
      } catch {
        // The card was changed since: connect to the one now in the reader.
        this.connection.disconnect();
      }
    }
    this.connection?.disconnect();
    this.connection = await this.pcsc.connect(reader, trace);
    this.connection.guard = this.cardGuard();
    // A card left powered by another program may still hold a verified PIN: start afresh.
    await this.connection.reset();
    return this.connection;
  }

  /**
   * Without a configured reader: the one reader whose card fits (any card, or the named
   * profile's ATR). Several fit: the run cannot guess which card it may use.
   */
  private onlyReaderHolding(holds: (r: ReaderInfo) => boolean, profile: string | undefined): string {
    const readers = this.pcsc.listReaders();
    const fitting = readers.filter(holds);
    if (fitting.length === 1) return fitting[0]!.name;
    const list = readers.map((r, i) => `${i}: "${r.name}" (${r.present && r.atr ? `ATR ${toHex(r.atr)}` : 'no card'})`).join(', ');
    const what = profile === undefined ? 'a card' : `a card with the ATR of profile ${profile}`;
    throw new HarnessError(
      HarnessCodes.UNKNOWN_READER,
      `${fitting.length} readers hold ${what}, so the run cannot tell which to use: name one with --card PROFILE (its ATR), ` +
        `or with "reader:" in ${DEFAULT_CONFIG_FILE} (readers: ${list})`,
    );
  }

  removeCard(): Promise<void> {
    return Promise.reject(new HarnessError(HarnessCodes.UNSUPPORTED, 'on hardware a person removes the card'));
  }

  reinsertCard(): Promise<CardConnection> {
    return Promise.reject(new HarnessError(HarnessCodes.UNSUPPORTED, 'on hardware a person inserts the card'));
  }

  async token(label: string): Promise<TokenAccess> {
    const pkcs11 = this.config.pkcs11;
    if (!pkcs11) {
      const where = this.configFile ?? `a configuration file (${DEFAULT_CONFIG_FILE}, or --config FILE)`;
      throw new HarnessError(HarnessCodes.BAD_CONFIG, `PKCS#11 tokens on hardware need their module: write a pkcs11 section (module, tokens) in ${where}`);
    }
    // A module without a token list: any token, its user PIN from TOKEN_PIN.
    const token = pkcs11.tokens.length === 0 ? { label, userPin: DEFAULT_TOKEN_PIN, soPin: undefined } : pkcs11.tokens.find((t) => t.label === label);
    if (!token) {
      throw new HarnessError(HarnessCodes.BAD_CONFIG, `${this.configFile} lists no token "${label}" (tokens: ${pkcs11.tokens.map((t) => t.label).join(', ') || 'none'})`);
    }
    return {
      modulePath: pkcs11.module,
      label,
      ...(token.reader !== undefined ? { reader: token.reader } : {}),
      userPin: resolveSecret(token.userPin),
      soPin: token.soPin === undefined ? '' : resolveSecret(token.soPin),
      env: {},
      destructiveAllowed: () => this.destructive,
    };
  }

  async stop(): Promise<void> {
    this.connection?.disconnect();
    this.connection = undefined;
    this.pcscContext?.close();
    this.pcscContext = undefined;
  }
}
