import { HarnessCodes, HarnessError } from '../../core/errors.js';
import type { CardConnection, PcscContext } from '../pcsc/client.js';
import type { TransmitWatchdog } from '../pcsc/sync-card.js';
import type { ApduTrace } from '../trace/trace.js';

/** pcscd polls a vpcd reader every 400 ms (20 ms with core/daemons.ts's poll library); a card insertion or removal shows within two polls. */
export const CARD_EVENT_TIMEOUT_MS = 5_000;

/** How a target moves virtual cards of kind `Card` in and out of its vpcd reader. */
export interface CardMoves<Card> {
  /** Whether the reader holds a card (the connection to vpcd is open). */
  inserted(): boolean;
  /** Puts `card` in place of the one in the reader, behind the same vpcd connection. */
  replace(card: Card): void | Promise<void>;
  /** Puts `card` in the reader (in place of one still there without a PC/SC connection). */
  insert(card: Card): Promise<void>;
  /** Takes the card out. */
  remove(): Promise<void>;
  /** Puts `card`, the one taken out last, back in. */
  reinsert(card: Card): Promise<void>;
}

/**
 * The card steps of a target with a vpcd reader (the simulator, the container): the PC/SC
 * connection to the reader, and when to wait for pcscd to see a card come or go.
 */
export class CardFlow<Card> {
  private connection: CardConnection | undefined;
  /** The card of the scenario: kept while it is out of the reader, to be inserted again. */
  private card: Card | undefined;

  constructor(
    private readonly moves: CardMoves<Card>,
    private readonly readerName: string,
    private readonly pcsc: () => PcscContext,
    /** Given when the card answers from another thread: the connection then blocks (see PcscContext.connect). */
    private readonly watchdog?: TransmitWatchdog,
  ) {}

  /**
   * A fresh card. While a card sits in the reader, the new card takes its place behind the
   * same vpcd connection and the PC/SC connection is reset, so pcscd reads the new card's
   * ATR at once: a real removal and insertion would cost two of pcscd's polls.
   */
  async insert(card: Card, trace: ApduTrace): Promise<CardConnection> {
    this.card = card;
    if (this.connection?.connected && this.moves.inserted()) {
      await this.moves.replace(card);
      this.connection.trace = trace;
      await this.connection.reset();
      return this.connection;
    }
    this.disconnect();
    await this.moves.insert(card);
    return this.connect(trace);
  }

  /** Takes the card out and returns once pcscd reports the reader empty. */
  async remove(): Promise<void> {
    await this.moves.remove();
    await this.pcsc().waitForEmpty(this.readerName, CARD_EVENT_TIMEOUT_MS);
  }

  /** Puts the card taken out back in, and connects to it once pcscd reports it. */
  async reinsert(trace: ApduTrace): Promise<CardConnection> {
    const card = this.card;
    if (card === undefined) throw new HarnessError(HarnessCodes.NO_CARD, 'no card was inserted before, so none can be inserted again');
    if (this.moves.inserted()) throw new HarnessError(HarnessCodes.CARD_PRESENT, 'the card is still in the reader: remove it first');
    this.disconnect();
    await this.moves.reinsert(card);
    return this.connect(trace);
  }

  /** Drops the PC/SC connection (the card stays where it is). */
  disconnect(): void {
    this.connection?.disconnect();
    this.connection = undefined;
  }

  /**
   * Forgets the PC/SC connection without a call to pcscd: after pcscd restarted, its
   * handle means nothing to the new pcscd (the scenario holding it sees SCARD_E_NO_SERVICE).
   */
  forget(): void {
    this.connection = undefined;
  }

  /**
   * After pcscd restarted (the target's context already the new pcscd's): forgets the
   * connection, puts the scenario's card back if pcscd's stop left it out, and returns once
   * the new pcscd reports it. The scenario connects anew with its next `a card is inserted`.
   */
  async afterPcscdRestart(): Promise<void> {
    this.forget();
    const card = this.card;
    if (card === undefined) return;
    if (!this.moves.inserted()) await this.moves.reinsert(card);
    await this.pcsc().waitForCard(this.readerName, CARD_EVENT_TIMEOUT_MS);
  }

  private async connect(trace: ApduTrace): Promise<CardConnection> {
    await this.pcsc().waitForCard(this.readerName, CARD_EVENT_TIMEOUT_MS);
    const connection = await this.pcsc().connect(this.readerName, trace, { watchdog: this.watchdog });
    // A mute card is taken out, which ends the transmit pcscd waits on: the reader is free
    // again, and the next scenario's card goes in as into an empty reader.
    connection.onMute = () => this.remove();
    this.connection = connection;
    return connection;
  }
}
