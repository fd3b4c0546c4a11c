/** The messages between the simulator target and the thread of its virtual card (card-host.ts). */

export type CardHostRequest = { id: number } & ({ op: 'insert'; profile: string } | { op: 'reinsert' } | { op: 'remove' } | { op: 'close' });

export type CardHostReply =
  | { id: number; inserted: boolean; error?: { message: string; code: string | undefined } }
  | { event: 'removed'; byPeer: boolean }
  | { event: 'error'; message: string };

/** The clock both threads read: a shared Int32Array and the Date.now() its times count from. */
export interface SharedClock {
  buffer: SharedArrayBuffer;
  originMs: number;
}

export interface CardHostData {
  slot: number;
  apduTimeoutMs: number;
  clock: SharedClock;
}

/** Int32 slots of the shared clock: when the transmit in progress started (ms since originMs, 0: none), and whether the card thread ended it. */
export const TRANSMIT_STARTED_MS = 0;
export const TRANSMIT_TIMED_OUT = 1;
export const SHARED_CLOCK_SLOTS = 2;

/** How often the card thread looks for an unanswered transmit: the timeout's granularity. */
export const WATCHDOG_PERIOD_MS = 50;
