import sc, { type CardInterface, type ContextInterface, type ReaderInterface, type ReaderState } from 'smartcard';
import { HarnessCodes, HarnessError } from '../../core/errors.js';
import { ApduTrace } from '../trace/trace.js';
import { fromBindingError, scardError } from './errors.js';
import { exchange } from './exchange.js';
import { SyncCard, TransmitTimedOut, type TransmitWatchdog } from './sync-card.js';
import type { ResponseApdu } from '../../core/apdu/apdu.js';

/**
 * The PC/SC client of the harness, over the `smartcard` N-API binding. It is the only
 * module that imports the binding, so a change of binding stays here.
 */

export type Protocol = 'T=0' | 'T=1';

export interface ReaderInfo {
  name: string;
  present: boolean;
  atr: Buffer | undefined;
  /** pcscd's SCARD_STATE_* flags. */
  state: number;
}

/** Room for a short response (256 data bytes and SW1-SW2), and for an extended one. */
const SHORT_RESPONSE_BYTES = 258;
const EXTENDED_RESPONSE_BYTES = 65538;

/**
 * The receive buffer a command needs: the binding zeroes the whole buffer on every
 * transmit, so 64 KiB only for commands in the extended form (Lc or Le of 2-3 bytes).
 */
function responseRoom(command: Buffer): number {
  return command.length > 5 && command[4] === 0 ? EXTENDED_RESPONSE_BYTES : SHORT_RESPONSE_BYTES;
}

const PROTOCOLS = sc.SCARD_PROTOCOL_T0 | sc.SCARD_PROTOCOL_T1;

/**
 * How long an APDU may take before the card counts as mute (CARDSPEC_CARD_MUTE):
 * CARDSPEC_APDU_TIMEOUT_MS, else 30 s, room for on-card RSA key generation.
 */
export function defaultApduTimeoutMs(): number {
  const configured = Number(process.env.CARDSPEC_APDU_TIMEOUT_MS);
  return Number.isInteger(configured) && configured > 0 ? configured : 30_000;
}

/** pcscd polls a vpcd reader every 400 ms (or 20 ms: core/daemons.ts): a card gone mid-APDU shows as removed within two polls. */
const REMOVAL_SEEN_MS = 1_000;

function protocolName(protocol: number): Protocol | 'RAW' {
  if (protocol === sc.SCARD_PROTOCOL_T0) return 'T=0';
  if (protocol === sc.SCARD_PROTOCOL_T1) return 'T=1';
  return 'RAW';
}

async function call<T>(operation: string, fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw fromBindingError(error, operation);
  }
}

function callSync<T>(operation: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw fromBindingError(error, operation);
  }
}

/** A PC/SC context: readers, their state, and connections to their cards. */
export class PcscContext {
  private constructor(private readonly context: ContextInterface) {}

  static open(): PcscContext {
    return new PcscContext(callSync('SCardEstablishContext', () => new sc.Context()));
  }

  listReaders(): ReaderInfo[] {
    return callSync('SCardListReaders', () => this.context.listReaders()).map((r) => ({
      name: r.name,
      present: (r.state & sc.SCARD_STATE_PRESENT) !== 0,
      atr: r.atr ?? undefined,
      state: r.state,
    }));
  }

  private reader(name: string): ReaderInterface {
    const readers = callSync('SCardListReaders', () => this.context.listReaders());
    const reader = readers.find((r) => r.name === name);
    if (!reader) {
      const names = readers.map((r) => `"${r.name}"`).join(', ') || 'none';
      throw new HarnessError(HarnessCodes.UNKNOWN_READER, `no reader named "${name}" (readers: ${names})`);
    }
    return reader;
  }

  /**
   * Waits until `accept` holds for the state of one of the readers and gives that reader's
   * state, on pcscd's events (SCardGetStatusChange), never by polling.
   */
  async waitForReaderState(names: string[], accept: (info: ReaderInfo) => boolean, timeoutMs: number, what: string): Promise<ReaderInfo> {
    const deadline = Date.now() + timeoutMs;
    let states: ReaderState[] = names.map((name) => ({ name, state: sc.SCARD_STATE_UNAWARE, changed: false, atr: null }));
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      const changed = await call('SCardGetStatusChange', () => this.context.waitForChange(states, left));
      // The binding answers a timeout with null or with no reader state.
      if (!changed || changed.length === 0) break;
      for (const state of changed) {
        if ((state.state & sc.SCARD_STATE_UNKNOWN) !== 0) {
          throw new HarnessError(HarnessCodes.UNKNOWN_READER, `reader "${state.name}" is not known to pcscd`);
        }
        const info: ReaderInfo = {
          name: state.name,
          present: (state.state & sc.SCARD_STATE_PRESENT) !== 0,
          atr: state.atr ?? undefined,
          state: state.state,
        };
        if (accept(info)) return info;
      }
      states = changed.map((s) => ({ name: s.name, state: s.state & ~sc.SCARD_STATE_CHANGED, changed: false, atr: s.atr }));
    }
    const where = names.length === 1 ? `reader "${names[0]}"` : `readers ${names.map((n) => `"${n}"`).join(', ')}`;
    throw new HarnessError(HarnessCodes.TIMEOUT, `${where}: no ${what} within ${timeoutMs} ms`);
  }

  waitForCard(name: string, timeoutMs: number): Promise<ReaderInfo> {
    return this.waitForReaderState([name], (r) => r.present && (r.state & sc.SCARD_STATE_MUTE) === 0, timeoutMs, 'card');
  }

  waitForEmpty(name: string, timeoutMs: number): Promise<ReaderInfo> {
    return this.waitForReaderState([name], (r) => (r.state & sc.SCARD_STATE_EMPTY) !== 0, timeoutMs, 'card removal');
  }

  /**
   * A connection to the card in `readerName`. With a watchdog, its calls block this thread
   * until pcscd answers (SyncCard: no thread-pool hop per APDU), which only a caller whose
   * card answers from another thread or process may ask for; without, they go through the
   * binding's thread pool.
   */
  async connect(readerName: string, trace: ApduTrace = new ApduTrace(), options: { watchdog?: TransmitWatchdog } = {}): Promise<CardConnection> {
    const reader = this.reader(readerName);
    const { watchdog } = options;
    const channel = watchdog
      ? callSync('SCardConnect', () => new SyncCard(readerName, sc.SCARD_SHARE_SHARED, PROTOCOLS, watchdog, defaultApduTimeoutMs()))
      : new BindingChannel(await call('SCardConnect', () => reader.connect(sc.SCARD_SHARE_SHARED, PROTOCOLS)));
    return new CardConnection(readerName, channel, trace, this);
  }

  close(): void {
    if (this.context.isValid) this.context.close();
  }
}

/**
 * A blocking transmit settles through microtasks only, so a loop of them never lets the
 * event loop run: no keypress (the shell's Ctrl-C), timer or signal handler would get its
 * turn. Once 20 ms have passed since the last turn given here, the next APDU gives one (a
 * setImmediate: tens of µs per 20 ms); with the thread-pool path the event loop turns
 * anyway.
 */
const EVENT_LOOP_TURN_EVERY_MS = 20;
let lastTurnMs = 0;

function eventLoopTurn(): Promise<void> | undefined {
  const now = performance.now();
  if (now - lastTurnMs < EVENT_LOOP_TURN_EVERY_MS) return undefined;
  lastTurnMs = now;
  return new Promise((resolve) => setImmediate(resolve));
}

/** The card calls a CardConnection makes: the binding's (through its thread pool) or SyncCard's (blocking). */
export interface CardChannel {
  readonly connected: boolean;
  /** SCARD_PROTOCOL_* of the connection. */
  readonly protocol: number;
  /** `timeoutMs`: the blocking channel's watchdog ends the call then; the thread-pool one ignores it (withTimeout races it). */
  transmit(command: Buffer, maxResponseBytes: number, timeoutMs: number): Buffer | Promise<Buffer>;
  reconnect(shareMode: number, initialization: number): void | Promise<void>;
  atr(): Buffer;
  disconnect(disposition: number): void;
}

/** The `smartcard` binding's card as a CardChannel. */
class BindingChannel implements CardChannel {
  constructor(private readonly card: CardInterface) {}

  get connected(): boolean {
    return this.card.connected;
  }

  get protocol(): number {
    return this.card.protocol;
  }

  transmit(command: Buffer, maxResponseBytes: number): Promise<Buffer> {
    return this.card.transmit(command, { maxRecvLength: maxResponseBytes });
  }

  async reconnect(shareMode: number, initialization: number): Promise<void> {
    await this.card.reconnect(shareMode, PROTOCOLS, initialization);
  }

  atr(): Buffer {
    return this.card.getStatus().atr;
  }

  disconnect(disposition: number): void {
    this.card.disconnect(disposition);
  }
}

/**
 * Looks at a command before it is sent and may refuse it by throwing; `send` reaches the
 * card (traced, unguarded) for what the guard needs to know first.
 */
export type CommandGuard = (command: Buffer, send: (command: Buffer) => Promise<Buffer>) => Promise<void>;

/** A connection to the card in one reader. Every APDU it sends is recorded in its trace. */
export class CardConnection {
  /** Checks each command before it goes out (the hardware target's PIN guard). */
  guard: CommandGuard | undefined;
  /** An APDU unanswered for this long fails with CARDSPEC_CARD_MUTE. */
  responseTimeoutMs = defaultApduTimeoutMs();
  /**
   * Called when an APDU timed out, before the error is raised: the simulator takes the
   * mute card out, which ends the transmit pcscd still waits on, so the reader is free.
   */
  onMute: (() => Promise<void>) | undefined;

  constructor(
    readonly readerName: string,
    private readonly card: CardChannel,
    public trace: ApduTrace,
    private readonly context: PcscContext,
  ) {}

  get atr(): Buffer {
    return callSync('SCardStatus', () => this.card.atr());
  }

  get protocol(): Protocol | 'RAW' {
    return protocolName(this.card.protocol);
  }

  get connected(): boolean {
    return this.card.connected;
  }

  /** Sends one APDU as it is, after the guard, and records it; no GET RESPONSE handling. */
  readonly transmitRaw = async (command: Buffer): Promise<Buffer> => {
    if (this.guard) await this.guard(command, this.send);
    return this.send(command);
  };

  private readonly send = async (command: Buffer): Promise<Buffer> => {
    const at = new Date();
    const started = process.hrtime.bigint();
    try {
      const response = await this.transmitOnce(command);
      if (response.length < 2) await this.explainMissingStatusWord(response);
      this.trace.record({ at, command, response, durationUs: Number(process.hrtime.bigint() - started) / 1000 });
      // Awaited only when one is due: an await of nothing still costs every APDU a microtask.
      const turn = eventLoopTurn();
      if (turn) await turn;
      return response;
    } catch (error) {
      const failure = fromBindingError(error, 'SCardTransmit');
      const code = (failure as { code?: string }).code ?? 'error';
      this.trace.record({ at, command, response: Buffer.alloc(0), durationUs: Number(process.hrtime.bigint() - started) / 1000, error: code });
      throw failure;
    }
  };

  /**
   * One transmit, mute cards included: the blocking channel's watchdog has already taken a
   * mute card out (TransmitTimedOut); a thread-pool transmit is raced against the timeout.
   */
  private async transmitOnce(command: Buffer): Promise<Buffer> {
    let pending: Buffer | Promise<Buffer>;
    try {
      pending = this.card.transmit(command, responseRoom(command), this.responseTimeoutMs);
    } catch (error) {
      if (!(error instanceof TransmitTimedOut)) throw error;
      await this.onMute?.();
      throw this.muteError();
    }
    return pending instanceof Promise ? this.withTimeout(pending) : pending;
  }

  private muteError(): HarnessError {
    return new HarnessError(
      HarnessCodes.CARD_MUTE,
      `the card in "${this.readerName}" did not answer within ${this.responseTimeoutMs} ms (a mute card; set the limit with "Given the APDU timeout is N ms" or CARDSPEC_APDU_TIMEOUT_MS)`,
    );
  }

  /**
   * The transmit's answer, or CARDSPEC_CARD_MUTE once responseTimeoutMs passed; then
   * onMute runs and the native call is let finish, so nothing of it outlives the error.
   */
  private async withTimeout(transmit: Promise<Buffer>): Promise<Buffer> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), this.responseTimeoutMs)));
    try {
      const first = await Promise.race([transmit, timedOut]);
      if (first !== 'timeout') return first;
    } finally {
      clearTimeout(timer);
    }
    if (this.onMute) {
      await this.onMute();
      await transmit.catch(() => undefined);
    } else {
      // No way to end the wait on this target (a physical reader): the transmit finishes when pcscd gives up.
      transmit.catch(() => undefined);
    }
    throw this.muteError();
  }

  /**
   * vpcd answers a transmit whose card went away mid-APDU with no bytes at all: when pcscd
   * then reports the reader empty, that is SCARD_W_REMOVED_CARD; otherwise the card
   * answered without a status word.
   */
  private async explainMissingStatusWord(response: Buffer): Promise<never> {
    const removed = await this.context.waitForEmpty(this.readerName, REMOVAL_SEEN_MS).then(
      () => true,
      () => false,
    );
    if (removed) throw scardError('SCARD_W_REMOVED_CARD', 'SCardTransmit', 'the card was taken out during the APDU');
    throw new HarnessError(HarnessCodes.CARD_ERROR, `the card answered ${response.length} byte${response.length === 1 ? '' : 's'}, no status word (SW1 SW2)`);
  }

  /** Sends a command, with automatic GET RESPONSE on 61xx and re-send on 6Cxx unless switched off. */
  transmit(command: Buffer, automaticGetResponse = true): Promise<ResponseApdu> {
    return exchange(this.transmitRaw, command, automaticGetResponse);
  }

  /** Warm reset: the card answers a new ATR; pcscd re-reads it. */
  async reset(): Promise<void> {
    await call('SCardReconnect', () => this.card.reconnect(sc.SCARD_SHARE_SHARED, sc.SCARD_RESET_CARD));
  }

  /** Power off and on (cold reset). */
  async powerCycle(): Promise<void> {
    await call('SCardReconnect', () => this.card.reconnect(sc.SCARD_SHARE_SHARED, sc.SCARD_UNPOWER_CARD));
  }

  /**
   * Leaves the card as it is. (A disposition that resets the card is a synchronous call
   * that waits for the card; with the simulator's card in this same thread it would
   * never return, so resets go through reconnect.)
   */
  disconnect(): void {
    if (this.card.connected) {
      try {
        this.card.disconnect(sc.SCARD_LEAVE_CARD);
      } catch {
        // The handle is already gone (card removed): nothing is left to release.
      }
    }
  }
}
