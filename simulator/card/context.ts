/**
 * What a command handler sees: the card's files and PINs, the state of this card
 * session, and the protocol. Handlers are plain functions of (command, context).
 */
import type { CommandApdu } from '../../core/apdu/apdu.js';
import type { Protocol } from '../../core/profile/types.js';
import type { Applet } from './applet.js';
import type { DedicatedFile, ElementaryFile } from './files.js';
import type { Pin } from './pins.js';

/** A response waiting for GET RESPONSE: the data still to hand out and the final status word. */
export interface PendingResponse {
  data: Buffer;
  sw: number;
}

/** Pieces of a chained command (CLA 10) collected so far, for the selected applet. */
export interface PendingChain {
  ins: number;
  p1: number;
  p2: number;
  parts: Buffer[];
  length: number;
}

/**
 * Everything a reset or a power cycle forgets (docs/demo-cards.md: the MF is current, no
 * current EF, no PIN verified). Files and tries counters are not here: they stay.
 */
export class CardSession {
  currentDf: DedicatedFile;
  currentEf: ElementaryFile | undefined = undefined;
  readonly verified = new Set<number>();
  pending: PendingResponse | undefined = undefined;
  /** The applet SELECT by name chose; commands go to it first. */
  applet: Applet | undefined = undefined;
  chain: PendingChain | undefined = undefined;

  constructor(mf: DedicatedFile) {
    this.currentDf = mf;
  }
}

export interface CardContext {
  readonly mf: DedicatedFile;
  readonly pins: ReadonlyMap<number, Pin>;
  readonly protocol: Protocol;
  readonly session: CardSession;
  /** This card's applets (the profile's `applets:`), each with its own keys and counters. */
  readonly applets: readonly Applet[];
  randomBytes(n: number): Buffer;
}

export interface Reply {
  data: Buffer;
  sw: number;
}

/** A command handler: returns the reply, or throws StatusWordError for an error status word. */
export type Handler = (cmd: CommandApdu, ctx: CardContext) => Reply;

export const EMPTY = Buffer.alloc(0);

export function ok(data: Buffer = EMPTY): Reply {
  return { data, sw: 0x9000 };
}
