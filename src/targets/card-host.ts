/**
 * The simulator target's virtual card, on a thread of its own. The card answers pcscd
 * (through vpcd's TCP socket) from that thread, so the main thread can send APDUs with a
 * synchronous SCardTransmit, which saves the `smartcard` binding's thread-pool hop on
 * every APDU (docs/performance.md). The card's VpcdSlot stays the one place an APDU
 * passes through; this module only moves cards in and out and watches the clock.
 *
 * A card that never answers must not hang the run: the main thread marks each transmit
 * in a shared clock, and the card thread takes the card out of the reader once a
 * call is past its deadline (the connection's APDU timeout). pcscd then gives the blocked
 * call back, and the step fails with CARDSPEC_CARD_MUTE, as on the other targets.
 */
import { Worker } from 'node:worker_threads';
import { HarnessError, isErrorCode } from '../../core/errors.js';
import type { FaultPlan } from '../../core/faults.js';
import type { TransmitWatchdog } from '../pcsc/sync-card.js';
import {
  SHARED_CLOCK_SLOTS,
  TRANSMIT_DEADLINE_MS,
  TRANSMIT_TIMED_OUT,
  type CardHostData,
  type CardHostReply,
  type CardHostRequest,
  type HostedCard,
  type SharedClock,
} from './card-host-protocol.js';

export type { HostedCard };

export interface CardHostOptions {
  /** The thread's entry: the project's cards unless a test hosts its own. */
  workerUrl?: URL;
  /** The card's vpcd connection closed; byPeer: vpcd closed it (pcscd stopped or restarted). */
  onRemoved?: (byPeer: boolean) => void;
}

type Request = CardHostRequest extends infer R ? (R extends unknown ? Omit<R, 'id'> : never) : never;

export class CardHost implements TransmitWatchdog {
  private readonly worker: Worker;
  private readonly shared: Int32Array;
  private readonly clock: SharedClock;
  private readonly pending = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  private nextId = 1;
  private cardInReader = false;
  private exited = false;

  private readonly onRemoved: ((byPeer: boolean) => void) | undefined;

  constructor(slot: number, options: CardHostOptions = {}) {
    this.clock = { buffer: new SharedArrayBuffer(SHARED_CLOCK_SLOTS * Int32Array.BYTES_PER_ELEMENT), originMs: Date.now() };
    this.shared = new Int32Array(this.clock.buffer);
    this.onRemoved = options.onRemoved;
    const data: CardHostData = { slot, clock: this.clock };
    this.worker = new Worker(options.workerUrl ?? new URL('./card-host-thread.js', import.meta.url), { workerData: data });
    // The thread keeps the process alive only while a request waits for it: its owner
    // closes it, or the process's exit ends it.
    this.worker.unref();
    this.worker.on('message', (reply: CardHostReply) => this.onReply(reply));
    this.worker.on('error', (error) => this.failAll(error));
    this.worker.on('exit', () => {
      this.exited = true;
      this.cardInReader = false;
      this.failAll(new Error('the virtual card thread ended'));
    });
  }

  /** Whether a card is in the reader, as the card thread last said. */
  get inserted(): boolean {
    return this.cardInReader;
  }

  /** A fresh card (its profile already checked by the caller); swapped in behind the open connection if there is one. */
  insert(card: HostedCard): Promise<void> {
    return this.request({ op: 'insert', ...card });
  }

  /** The card taken out last, back in the reader as it was. */
  reinsert(): Promise<void> {
    return this.request({ op: 'reinsert' });
  }

  remove(): Promise<void> {
    return this.request({ op: 'remove' });
  }

  /** Faults for the card's slot (delays, mute, canned answers: core/faults.ts). */
  addFaults(plan: FaultPlan): Promise<void> {
    return this.request({ op: 'faults', plan });
  }

  /** Takes the card out and ends the thread. */
  async close(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    await this.request({ op: 'close' }).catch(() => undefined);
    await exited;
  }

  /** Ends the thread at once (interrupts): its socket closes with it, which is a card removal for vpcd. */
  terminate(): void {
    void this.worker.terminate();
  }

  begin(timeoutMs: number): void {
    // 0 means "no call"; a deadline is never 0 (timeouts are positive).
    Atomics.store(this.shared, TRANSMIT_DEADLINE_MS, Math.max(1, Date.now() - this.clock.originMs + timeoutMs));
  }

  end(): boolean {
    if (Atomics.exchange(this.shared, TRANSMIT_DEADLINE_MS, 0) !== TRANSMIT_TIMED_OUT) return false;
    this.cardInReader = false;
    return true;
  }

  private request(request: Request): Promise<void> {
    if (this.exited) return Promise.reject(new Error('the virtual card thread has ended'));
    const id = this.nextId++;
    return new Promise<void>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (this.pending.size === 1) this.worker.ref();
      this.worker.postMessage({ ...request, id });
    });
  }

  private onReply(reply: CardHostReply): void {
    if ('event' in reply) {
      if (reply.event === 'removed') {
        this.cardInReader = false;
        this.onRemoved?.(reply.byPeer);
      }
      return;
    }
    this.cardInReader = reply.inserted;
    const waiter = this.pending.get(reply.id);
    if (!waiter) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.worker.unref();
    if (reply.error) {
      const { message, code } = reply.error;
      // The card thread's errors cross as text: their code comes back if it is one of ours.
      waiter.reject(code && isErrorCode(code) ? new HarnessError(code, message) : new Error(message));
    } else {
      waiter.resolve();
    }
  }

  private failAll(error: Error): void {
    for (const waiter of this.pending.values()) waiter.reject(error);
    this.pending.clear();
  }
}
