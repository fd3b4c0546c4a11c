/** The messages between the simulator target and the thread of its virtual card (card-host.ts). */

import type { FaultPlan } from '../../core/faults.js';

/** A card for the card thread: its profile (a name or a path) and the bundled code of the profile's card module, if it names one. */
export interface HostedCard {
  profile: string;
  moduleCode: string | undefined;
}

export type CardHostRequest = { id: number } & (
  | ({ op: 'insert' } & HostedCard)
  | { op: 'reinsert' }
  | { op: 'remove' }
  | { op: 'faults'; plan: FaultPlan }
  | { op: 'close' }
);

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
  clock: SharedClock;
}

/**
 * The one Int32 slot of the shared clock: by when the call in progress must be answered
 * (ms since originMs), 0 when no call is in progress, or TRANSMIT_TIMED_OUT once the card
 * thread has ended the call. One slot, so that claiming a late call (the card thread's
 * compareExchange) and ending it (the main thread's exchange) cannot both win.
 */
export const TRANSMIT_DEADLINE_MS = 0;
export const TRANSMIT_TIMED_OUT = -1;
export const SHARED_CLOCK_SLOTS = 1;

/** How often the card thread looks for an unanswered transmit: the timeout's granularity. */
export const WATCHDOG_PERIOD_MS = 50;
