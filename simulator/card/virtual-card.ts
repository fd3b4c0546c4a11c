/**
 * A virtual smart card: the files, PINs and tries counters of one physical card, its
 * power state and its current card session. The vpcd transport drives it; tests call it
 * directly. Files and counters live on the instance, so putting the same object back in
 * a reader is re-inserting the same card.
 */
import { randomBytes } from 'node:crypto';
import type { CardProfile, Protocol } from '../../core/profile/types.js';
import type { Applet } from './applet.js';
import { cardParts } from './applet.js';
import './applets/index.js';
import { type CardContext, CardSession } from './context.js';
import { type DedicatedFile, buildFileSystem } from './files.js';
import { CardOs } from './os.js';
import { Pin } from './pins.js';

export class VirtualCard {
  readonly profile: CardProfile;
  readonly protocol: Protocol;
  private readonly mf: DedicatedFile;
  private readonly pins: Map<number, Pin>;
  private readonly os: CardOs;
  /** This card's applets, made fresh from the profile: their keys and counters are this card's. */
  private readonly applets: Applet[];
  /** What the handlers see; made anew with each card session. */
  private context: CardContext;
  private powered = false;

  constructor(profile: CardProfile) {
    this.profile = profile;
    this.protocol = profile.protocol;
    this.mf = buildFileSystem(profile.mf);
    this.pins = new Map(profile.pins.map((p) => [p.reference, new Pin(p)]));
    const parts = cardParts(profile, CardOs.isoInstructions());
    this.os = new CardOs(parts.commands);
    this.applets = parts.makeApplets.map((make) => make());
    this.context = this.newSession();
  }

  /** The answer to reset (a copy: callers may not change the card's). */
  get atr(): Buffer {
    return Buffer.from(this.profile.atr);
  }

  get isPowered(): boolean {
    return this.powered;
  }

  /** Powers the card up; from off, a new card session starts. Returns the ATR. */
  powerOn(): Buffer {
    if (!this.powered) this.context = this.newSession();
    this.powered = true;
    return this.atr;
  }

  /** Cuts power: the card session (current files, verified PINs, pending data) is gone. */
  powerOff(): void {
    this.powered = false;
    this.context = this.newSession();
  }

  /** Warm reset: a new card session, power stays (or comes) on. Returns the ATR. */
  reset(): Buffer {
    this.powered = true;
    this.context = this.newSession();
    return this.atr;
  }

  /**
   * One command APDU in, one response APDU (data + SW1 SW2) out. Never throws, whatever
   * the bytes: malformed input is answered with a status word. A card that is not
   * powered still answers (vpcd only sends APDUs to a powered card anyway).
   */
  transmit(apdu: Uint8Array): Buffer {
    return this.os.transmit(apdu, this.context);
  }

  /** Tries left for PIN `reference` (and its PUK), for tests and diagnostics. */
  triesLeft(reference: number): { pin: number; puk: number | undefined } | undefined {
    const pin = this.pins.get(reference);
    return pin === undefined ? undefined : { pin: pin.tries, puk: pin.pukTries };
  }

  private newSession(): CardContext {
    for (const applet of this.applets) applet.reset?.();
    return { mf: this.mf, pins: this.pins, protocol: this.protocol, session: new CardSession(this.mf), applets: this.applets, randomBytes };
  }
}
