/**
 * The transport between a VirtualCard and vpcd, the virtual reader driver of pcscd:
 * the card connects to vpcd's TCP port (one port per reader slot) and answers vpcd's
 * frames. An open connection is a card in the reader; closing it is a removal.
 *
 * Events (never thrown from socket handlers, so vpcd going away cannot crash the
 * process): 'inserted'; 'removed' with `{ byPeer: boolean }` (byPeer: vpcd closed the
 * connection, e.g. pcscd restarted); 'error' with an Error, emitted only when someone
 * listens (else dropped).
 */
import { EventEmitter } from 'node:events';
import { Socket } from 'node:net';
import sockopt from 'sockopt';
import { HarnessCodes, HarnessError } from '../../core/errors.js';
import type { VirtualCard } from '../card/virtual-card.js';
import { FaultState, type FaultPlan } from '../../core/faults.js';
import { VPCD_DEFAULT_HOST, vpcdPort, vpcdReaderName } from '../../core/vpcd.js';
import { FrameDecoder, VpcdControl, classifyPayload, encodeFrame } from './frame.js';

const IPPROTO_TCP = 6;
const TCP_QUICKACK = 12;
/** 6F00 framed, answered if an answer is too long for a frame (a card bug, never expected). */
const NO_PRECISE_DIAGNOSIS_FRAME = encodeFrame(Buffer.from([0x6f, 0x00]));

/** The frame of an answer; encodeFrame refuses one longer than a frame carries, which goes out as 6F00. */
function frameOf(answer: Buffer): Buffer {
  try {
    return encodeFrame(answer);
  } catch (err) {
    if (err instanceof RangeError) return NO_PRECISE_DIAGNOSIS_FRAME;
    throw err;
  }
}

export interface VpcdSlotOptions {
  /** vpcd slot index (default 0): picks the port and the reader name. */
  slot?: number;
  host?: string;
  /** Overrides the port derived from `slot`. */
  port?: number;
}

export class VpcdSlot extends EventEmitter {
  readonly slot: number;
  readonly host: string;
  readonly port: number;
  readonly readerName: string;

  private socket: Socket | undefined = undefined;
  private current: VirtualCard | undefined = undefined;
  private readonly decoder = new FrameDecoder();
  private removing = false;
  private closed = false;
  /** Faults on purpose (faults.ts); cleared when a card goes in or comes out. */
  private readonly faults = new FaultState();
  /**
   * Answers held back by a fault's delay: later answers queue behind them, in order. They
   * belong to one connection: when it closes they are dropped, and a card inserted next
   * does not queue behind them.
   */
  private delayed: Promise<void> | undefined;
  /** The delays' timers, ended early (their answers dropped) when the connection closes. */
  private readonly delayTimers = new Map<NodeJS.Timeout, () => void>();

  constructor(options: VpcdSlotOptions = {}) {
    super();
    this.slot = options.slot ?? 0;
    this.host = options.host ?? VPCD_DEFAULT_HOST;
    this.port = options.port ?? vpcdPort(this.slot);
    this.readerName = vpcdReaderName(this.slot);
  }

  /** The card in the slot; undefined when the slot is empty. */
  get card(): VirtualCard | undefined {
    return this.current;
  }

  /** Adds a fault plan for the next APDUs of the card in the slot (see faults.ts). */
  addFaults(plan: FaultPlan): void {
    this.faults.add(plan);
  }

  /** Ends every fault: the card answers on time again (a mute card answers the next APDU). */
  clearFaults(): void {
    this.faults.clear();
  }

  /** The fault plan in force. */
  get faultPlan(): FaultPlan {
    return this.faults.describe();
  }

  /** Whether a card is in the slot (the connection to vpcd is open). */
  get inserted(): boolean {
    return this.socket !== undefined;
  }

  /**
   * Puts `card` in the reader: connects to vpcd; resolves once connected. pcscd sees
   * the card at its next presence poll (up to 400 ms later; 20 ms with
   * core/daemons.ts's PCSCD_POLL_LIBRARY). Rejects when vpcd cannot
   * be reached, the slot already holds a card, or remove()/close() runs before it connects.
   */
  insert(card: VirtualCard): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`vpcd slot ${this.slot} is closed`));
    if (this.socket !== undefined) {
      return Promise.reject(new Error(`vpcd slot ${this.slot} already holds a card: remove() it first, or replace() it`));
    }
    const socket = new Socket();
    this.socket = socket;
    this.current = card;
    this.decoder.clear();
    this.faults.clear();
    return new Promise<void>((resolve, reject) => {
      let connected = false;
      socket.on('error', (err) => {
        if (!connected) {
          reject(
            new HarnessError(
              HarnessCodes.MISSING_DEPENDENCY,
              `cannot reach vpcd at ${this.host}:${this.port} for reader "${this.readerName}" (is pcscd running with the vpcd driver?): ${err.message}`,
              { cause: err },
            ),
          );
        } else {
          this.report(err);
        }
      });
      socket.on('close', () => {
        // remove() or close() while connecting: destroy() emits 'close' without 'error'.
        if (!connected) reject(new Error(`vpcd slot ${this.slot} removed before it connected`));
        this.onClose(socket, connected);
      });
      socket.on('data', (chunk: Buffer) => this.onData(socket, chunk));
      socket.connect({ host: this.host, port: this.port }, () => {
        connected = true;
        // vpcd waits for each answer before the next command: Nagle would only delay it.
        socket.setNoDelay(true);
        this.emit('inserted');
        resolve();
      });
    });
  }

  /**
   * Swaps the card behind the open connection without closing it, so pcscd sees no
   * removal and no presence poll: a fresh card for every scenario at no cost.
   * The new card takes over the power state. pcscd keeps the ATR it read last, so if
   * the new card's ATR or protocol differs, reconnect with a reset (or remove+insert).
   */
  replace(card: VirtualCard): void {
    if (this.socket === undefined) throw new Error(`vpcd slot ${this.slot} is empty: insert() a card first`);
    const old = this.current;
    if (old === card) return;
    const powered = old?.isPowered ?? false;
    // A new card comes without the old one's faults.
    this.faults.clear();
    old?.powerOff();
    if (powered) card.powerOn();
    else card.powerOff();
    this.current = card;
  }

  /** Takes the card out: closes the connection (vpcd reports the removal). Resolves when closed. */
  remove(): Promise<void> {
    const socket = this.socket;
    if (socket === undefined) return Promise.resolve();
    this.removing = true;
    return new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      socket.destroy();
    });
  }

  /** Removes the card and refuses further inserts. */
  async close(): Promise<void> {
    this.closed = true;
    await this.remove();
  }

  private onData(socket: Socket, chunk: Buffer): void {
    try {
      // Debian's vpcd (vsmartcard 3.3) writes the length and the APDU in two sends
      // without TCP_NODELAY. Its second send waits (Nagle) for our ACK of the first, and
      // Linux delays that ACK by ~40 ms: every APDU would take ~44 ms. QUICKACK makes the
      // kernel ACK at once, but it is not sticky (the kernel falls back to delayed ACKs),
      // so it is re-armed after every read: measured ~177 µs per APDU instead.
      sockopt.setsockopt(socket, IPPROTO_TCP, TCP_QUICKACK, 1);
    } catch {
      // Not Linux, or the socket is closing: only slower.
    }
    try {
      for (const payload of this.decoder.push(chunk)) {
        if (this.faults.active || this.delayed) {
          this.answerWithFaults(socket, payload);
          continue;
        }
        const answer = this.answer(payload);
        // Length and payload in one write: one TCP segment, no Nagle stall on vpcd's side.
        if (answer !== undefined) socket.write(frameOf(answer));
      }
    } catch (err) {
      this.report(err instanceof Error ? err : new Error(String(err)));
    }
  }

  /**
   * One frame while faults are in force: APDUs get what the plan says (late, another
   * answer, none, or the card taken out); every answer keeps its place in the queue.
   */
  private answerWithFaults(socket: Socket, payload: Buffer): void {
    const isApdu = classifyPayload(payload).kind === 'apdu';
    const action = isApdu && this.faults.active ? this.faults.next() : ({ kind: 'card', delayMs: 0 } as const);
    if (action.kind === 'remove') {
      void this.remove();
      return;
    }
    if (action.kind === 'mute') return;
    const write = (): void => {
      // The card was taken out meanwhile: the APDU never reached it.
      if (this.socket !== socket || socket.destroyed) return;
      const answer = action.kind === 'answer' ? action.response : this.answer(payload);
      if (answer !== undefined) socket.write(frameOf(answer));
    };
    if (action.delayMs === 0 && !this.delayed) {
      write();
      return;
    }
    const after = this.delayed ?? Promise.resolve();
    const done = after.then(() => (action.delayMs > 0 ? this.wait(action.delayMs) : undefined)).then(write);
    this.delayed = done;
    void done
      .catch((err: unknown) => this.report(err instanceof Error ? err : new Error(String(err))))
      .finally(() => {
        if (this.delayed === done) this.delayed = undefined;
      });
  }

  /** Resolves after `ms`, or at once when the connection closes first (dropHeldAnswers). */
  private wait(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.delayTimers.delete(timer);
        resolve();
      }, ms);
      this.delayTimers.set(timer, resolve);
    });
  }

  /** Ends the held-back answers' waits; their writes see the connection gone and send nothing. */
  private dropHeldAnswers(): void {
    for (const [timer, resolve] of this.delayTimers) {
      clearTimeout(timer);
      resolve();
    }
    this.delayTimers.clear();
    this.delayed = undefined;
  }

  /** The answer to one frame: the ATR, a response APDU, or nothing for power controls. */
  private answer(payload: Buffer): Buffer | undefined {
    const card = this.current;
    if (card === undefined) return undefined;
    const message = classifyPayload(payload);
    if (message.kind === 'apdu') {
      return card.transmit(message.apdu);
    }
    switch (message.code) {
      case VpcdControl.POWER_OFF:
        card.powerOff();
        return undefined;
      case VpcdControl.POWER_ON:
        card.powerOn();
        return undefined;
      case VpcdControl.RESET:
        card.reset();
        return undefined;
      case VpcdControl.ATR_REQUEST:
        // As vicc does: the ATR of the card in the slot, whatever its power state.
        return card.atr;
      default:
        this.report(new Error(`vpcd sent unknown control code ${message.code}`));
        return undefined;
    }
  }

  private onClose(socket: Socket, wasConnected: boolean): void {
    if (this.socket !== socket) return;
    const byPeer = !this.removing;
    this.socket = undefined;
    this.removing = false;
    this.decoder.clear();
    this.faults.clear();
    this.dropHeldAnswers();
    // Out of the reader, the card loses power: its card session (verified PINs) ends.
    this.current?.powerOff();
    this.current = undefined;
    // A connection that never opened was no insertion: insert() has rejected already.
    if (wasConnected) this.emit('removed', { byPeer });
  }

  private report(err: Error): void {
    if (this.listenerCount('error') > 0) this.emit('error', err);
  }
}
