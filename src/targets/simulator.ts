import { VirtualCard } from '../../simulator/card/index.js';
import { loadProfile, type CardProfile } from '../../simulator/profile/index.js';
import { VpcdSlot, vpcdReaderName } from '../../simulator/vpcd/index.js';
import { HarnessCodes, HarnessError } from '../errors.js';
import { PcscContext, type CardConnection, type ReaderInfo } from '../pcsc/client.js';
import type { ApduTrace } from '../trace/trace.js';
import { ensurePcscd, type ManagedPcscd } from './pcscd.js';
import { SoftHsmTokens } from './softhsm.js';
import type { Target, TokenAccess } from './target.js';

export const DEFAULT_CARD_PROFILE = 'iso7816-demo';

/** pcscd polls a vpcd reader every 400 ms; a card insertion or removal shows within two polls. */
const CARD_EVENT_TIMEOUT_MS = 5_000;

export interface SimulatorOptions {
  defaultCard?: string | undefined;
  /** The vpcd slot (reader `Virtual PCD 00 0N`): by default the cucumber worker's index. */
  slot?: number;
}

/** The cucumber worker's index (0 outside parallel runs): each worker gets its own vpcd slot. */
export function workerIndex(): number {
  const id = Number(process.env.CUCUMBER_WORKER_ID ?? 0);
  return Number.isInteger(id) && id >= 0 ? id : 0;
}

/** Two virtual cards on one vpcd port would answer each other's commands: a reader in use is refused. */
export function checkReaderFree(reader: ReaderInfo): void {
  if (reader.present) {
    throw new HarnessError(
      HarnessCodes.READER_BUSY,
      `reader "${reader.name}" already holds a card that this run did not insert (another cardspec run or sim, or a vicc): stop it first`,
    );
  }
}

/**
 * After a card was taken out at the end of a run: returns once pcscd has seen it (its next
 * poll), so that the next run on this reader does not take pcscd's stale "present" for
 * its own card. A failure here only means pcscd went away: nothing is left to hand over.
 */
export async function waitUntilSeenEmpty(pcsc: PcscContext, reader: string): Promise<void> {
  try {
    await pcsc.waitForEmpty(reader, CARD_EVENT_TIMEOUT_MS);
  } catch {
    // pcscd stopped or the reader is gone.
  }
}

/**
 * The embedded simulator: the system pcscd with vpcd, the project's virtual card in this
 * process, and SoftHSM tokens made for the run.
 */
export class SimulatorTarget implements Target {
  readonly name = 'simulator';
  readonly canMoveCards = true;
  private pcscContext: PcscContext | undefined;
  private pcscd: ManagedPcscd | undefined;
  private readonly slot: VpcdSlot;
  private readonly readerName: string;
  private connection: CardConnection | undefined;
  /** The card of the scenario: kept while it is out of the reader, to be inserted again. */
  private card: VirtualCard | undefined;
  private tokens: SoftHsmTokens | undefined;
  /** Parsed profiles by name: a card copies what it takes from its profile, so one parse serves the run. */
  private readonly profiles = new Map<string, CardProfile>();

  constructor(private readonly options: SimulatorOptions = {}) {
    const slot = options.slot ?? workerIndex();
    this.slot = new VpcdSlot({ slot });
    this.readerName = vpcdReaderName(slot);
  }

  get pcsc(): PcscContext {
    if (!this.pcscContext) throw new Error('the simulator target is not started');
    return this.pcscContext;
  }

  async start(): Promise<void> {
    this.pcscd = await ensurePcscd();
    this.pcscContext = PcscContext.open();
    const readers = this.pcscContext.listReaders();
    const mine = readers.find((r) => r.name === this.readerName);
    if (!mine) {
      throw new HarnessError(
        HarnessCodes.UNKNOWN_READER,
        `pcscd has no reader "${this.readerName}" for this worker (readers: ${readers.map((r) => r.name).join(', ') || 'none'}); ` +
          'each parallel worker needs its own vpcd reader: add entries to /etc/reader.conf.d/vpcd and restart pcscd, or run fewer workers',
      );
    }
    checkReaderFree(mine);
  }

  /**
   * A fresh card. While a card sits in the reader, the new card takes its place behind the
   * same vpcd connection and the connection is reset, so pcscd reads the new card's ATR at
   * once: a real removal and insertion would cost two of pcscd's 400 ms polls.
   */
  async insertCard(profile: string | undefined, trace: ApduTrace): Promise<CardConnection> {
    const card = new VirtualCard(this.profile(profile ?? this.options.defaultCard ?? DEFAULT_CARD_PROFILE));
    this.card = card;
    if (this.connection?.connected && this.slot.inserted) {
      this.slot.replace(card);
      this.connection.trace = trace;
      await this.connection.reset();
      return this.connection;
    }
    this.connection?.disconnect();
    this.connection = undefined;
    if (this.slot.inserted) this.slot.replace(card);
    else await this.slot.insert(card);
    return this.connect(trace);
  }

  beginScenario(): void {
    // Every scenario gets a fresh card and token session here: nothing to guard.
  }

  private profile(name: string): CardProfile {
    let profile = this.profiles.get(name);
    if (!profile) {
      profile = loadProfile(name);
      this.profiles.set(name, profile);
    }
    return profile;
  }

  async removeCard(): Promise<void> {
    await this.slot.remove();
    await this.pcsc.waitForEmpty(this.readerName, CARD_EVENT_TIMEOUT_MS);
  }

  async reinsertCard(trace: ApduTrace): Promise<CardConnection> {
    const card = this.card;
    if (!card) throw new HarnessError(HarnessCodes.NO_CARD, 'no card was inserted before, so none can be inserted again');
    if (this.slot.inserted) throw new HarnessError(HarnessCodes.NO_CARD, 'the card is still in the reader: remove it first');
    this.connection?.disconnect();
    this.connection = undefined;
    await this.slot.insert(card);
    return this.connect(trace);
  }

  private async connect(trace: ApduTrace): Promise<CardConnection> {
    await this.pcsc.waitForCard(this.readerName, CARD_EVENT_TIMEOUT_MS);
    this.connection = await this.pcsc.connect(this.readerName, trace);
    return this.connection;
  }

  async token(label: string): Promise<TokenAccess> {
    this.tokens ??= new SoftHsmTokens();
    return this.tokens.token(label);
  }

  async stop(): Promise<void> {
    this.connection?.disconnect();
    this.connection = undefined;
    const wasInserted = this.slot.inserted;
    await this.slot.close();
    if (wasInserted && this.pcscContext) await waitUntilSeenEmpty(this.pcscContext, this.readerName);
    this.pcscContext?.close();
    this.pcscContext = undefined;
    await this.tokens?.dispose();
    this.tokens = undefined;
    await this.pcscd?.stop();
    this.pcscd = undefined;
  }
}
