import { existsSync } from 'node:fs';
import { ProfileCache } from '../../core/profile/index.js';
import { toHex } from '../../core/apdu/hex.js';
import { HarnessCodes, HarnessError } from '../../core/errors.js';
import { PcscContext, type CardConnection } from '../pcsc/client.js';
import { pinGuard } from '../pcsc/pin-guard.js';
import type { ApduTrace } from '../trace/trace.js';
import { DEFAULT_CONFIG_FILE, defaultHardwareConfig, loadHardwareConfig, parseReaderSelector, resolveSecret, selectReaders, type HardwareConfig } from './hardware-config.js';
import type { TokenAccess } from '../pkcs11/token.js';
import type { ScenarioInfo, Target } from './target.js';

export interface HardwareOptions {
  defaultCard?: string | undefined;
  /** The configuration file (default: cardspec.hardware.yaml in the working directory). */
  config?: string | undefined;
  /**
   * A reader selector (name, /pattern/ or index) in place of the configuration's; with it
   * and no configuration file, the defaults apply (`cardspec shell --reader`).
   */
  reader?: string | undefined;
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
  private readonly configFile: string;
  private pcscContext: PcscContext | undefined;
  /** The readers of the bench: the configured selector's matches. */
  private readers: string[] = [];
  private connection: CardConnection | undefined;
  private destructive = false;
  private trustedValues: ReadonlySet<string> = new Set();
  private readonly profiles = new ProfileCache();

  constructor(private readonly options: HardwareOptions = {}) {
    const named = options.config ?? process.env.CARDSPEC_CONFIG;
    this.configFile = named ?? DEFAULT_CONFIG_FILE;
    const config = options.reader !== undefined && named === undefined && !existsSync(this.configFile)
      ? defaultHardwareConfig()
      : loadHardwareConfig(this.configFile);
    this.config = options.reader === undefined ? config : { ...config, reader: parseReaderSelector(options.reader) };
  }

  get pcsc(): PcscContext {
    if (!this.pcscContext) throw new HarnessError(HarnessCodes.NOT_STARTED, 'the hardware target is not started');
    return this.pcscContext;
  }

  async start(): Promise<void> {
    this.pcscContext = PcscContext.open();
    const readers = this.pcscContext.listReaders().map((r) => r.name);
    this.readers = selectReaders(this.config.reader, readers);
  }

  beginScenario(scenario: ScenarioInfo): void {
    this.destructive = scenario.tags.includes('@destructive');
    this.trustedValues = scenario.trustedValues;
  }

  /**
   * Waits for a card in one of the bench's readers (with the profile's ATR, when a profile
   * is named), then connects, or resets the card already connected there so that the
   * scenario starts from a fresh card session.
   */
  async insertCard(profile: string | undefined, trace: ApduTrace): Promise<CardConnection> {
    const name = profile ?? this.options.defaultCard;
    const atr = name === undefined ? undefined : this.profiles.get(name).atr;
    const { name: reader } = await this.pcsc.waitForReaderState(
      this.readers,
      (r) => r.present && (atr === undefined || (r.atr !== undefined && r.atr.equals(atr))),
      this.config.cardTimeoutMs,
      atr === undefined ? 'card' : `card with the ATR of profile ${name} (${toHex(atr)})`,
    );
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
    this.connection.guard = pinGuard({ allowed: () => this.destructive, trusted: () => this.trustedValues });
    // A card left powered by another program may still hold a verified PIN: start afresh.
    await this.connection.reset();
    return this.connection;
  }

  removeCard(): Promise<void> {
    return Promise.reject(new HarnessError(HarnessCodes.UNSUPPORTED, 'on hardware a person removes the card'));
  }

  reinsertCard(): Promise<CardConnection> {
    return Promise.reject(new HarnessError(HarnessCodes.UNSUPPORTED, 'on hardware a person inserts the card'));
  }

  async token(label: string): Promise<TokenAccess> {
    const pkcs11 = this.config.pkcs11;
    if (!pkcs11) throw new HarnessError(HarnessCodes.BAD_CONFIG, `${this.configFile} has no pkcs11 section (module, tokens)`);
    const token = pkcs11.tokens.find((t) => t.label === label);
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
