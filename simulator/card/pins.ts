/**
 * PINs and their PUKs: values and tries counters. These belong to the card, not to a
 * card session: a reset or a removal never restores a try (docs/demo-cards.md). The verified
 * state is per session and lives in CardSession.
 */
import type { ProfilePin } from '../../core/profile/types.js';
import { ok, type Reply } from './context.js';
import { SW, fail, swTriesLeft } from './sw.js';

/**
 * What the try that blocks a secret answers: 6983 (the demo card's deliberate choice,
 * and what makes OpenSC report CKR_PIN_LOCKED at once) or 63C0 (what some cards do:
 * "wrong, 0 tries left"; the next try answers 6983).
 */
export type BlockingTryAnswer = '6983' | '63C0';

/** A secret with a tries counter; 0 tries left means blocked. Applets (PIV) use it too. */
export class Secret {
  value: Buffer;
  tries: number;
  readonly maxTries: number;
  private readonly blockingTry: BlockingTryAnswer;

  constructor(value: Buffer, tries: number, blockingTry: BlockingTryAnswer = '6983') {
    this.value = Buffer.from(value);
    this.tries = tries;
    this.maxTries = tries;
    this.blockingTry = blockingTry;
  }

  get blocked(): boolean {
    return this.tries === 0;
  }

  /**
   * Compares a candidate and counts the try. A wrong value answers 63Cx, and the try
   * that blocks answers 6983 (deliberate, docs/demo-cards.md; or 63C0 if so made), as
   * does any try once blocked.
   */
  check(candidate: Buffer): void {
    if (this.blocked) fail(SW.AUTH_METHOD_BLOCKED, 'blocked');
    if (candidate.equals(this.value)) {
      this.tries = this.maxTries;
      return;
    }
    this.tries -= 1;
    if (this.blocked && this.blockingTry === '6983') fail(SW.AUTH_METHOD_BLOCKED, 'wrong value; now blocked');
    fail(swTriesLeft(this.tries), 'wrong value');
  }

  /** The answer to a status query (VERIFY with no data) while not verified: 6983 when blocked, else 63Cx. */
  status(): never {
    if (this.blocked) fail(SW.AUTH_METHOD_BLOCKED, 'blocked');
    fail(swTriesLeft(this.tries), 'not verified');
  }

  /** A new value, with all its tries (after the current value or the PUK was shown). */
  replace(value: Buffer): void {
    this.value = Buffer.from(value);
    this.tries = this.maxTries;
  }
}

export class Pin {
  readonly reference: number;
  readonly minLength: number;
  readonly maxLength: number;
  /** What VERIFY without data answers on a card that does not tell the tries left. */
  private readonly triesQueryAnswer: number | undefined;
  private readonly pin: Secret;
  private readonly puk: Secret | undefined;

  constructor(spec: ProfilePin) {
    this.reference = spec.reference;
    this.minLength = spec.minLength;
    this.maxLength = spec.maxLength;
    this.triesQueryAnswer = spec.triesQueryAnswer;
    this.pin = new Secret(spec.value, spec.tries);
    this.puk = spec.puk === undefined ? undefined : new Secret(spec.puk.value, spec.puk.tries);
  }

  get tries(): number {
    return this.pin.tries;
  }

  get pukTries(): number | undefined {
    return this.puk?.tries;
  }

  get blocked(): boolean {
    return this.pin.blocked;
  }

  /** 6700 (costing no try) for a value whose length the PIN cannot have. */
  checkLength(value: Buffer): void {
    if (value.length < this.minLength || value.length > this.maxLength) {
      fail(SW.WRONG_LENGTH, `a PIN has ${this.minLength} to ${this.maxLength} bytes`);
    }
  }

  /** VERIFY with data. Throws 63Cx / 6983 / 6700; returns when the value is right. */
  verify(value: Buffer): void {
    this.checkLength(value);
    this.pin.check(value);
  }

  /**
   * VERIFY with no data: the profile's answer on a card that does not tell the tries left;
   * else 9000 when the PIN is `verified` in the session, 6983 when blocked, 63Cx otherwise.
   */
  status(verified: boolean): Reply {
    if (this.triesQueryAnswer !== undefined) fail(this.triesQueryAnswer, 'this card does not tell the tries left');
    if (verified) return ok();
    this.pin.status();
  }

  /** CHANGE REFERENCE DATA: `data` is the current value (the card knows its length) then the new one. */
  change(data: Buffer): void {
    this.replaceAfter(this.pin, data, 'the current value');
  }

  /** RESET RETRY COUNTER: `data` is the PUK (the card knows its length) then the new PIN. */
  unblock(data: Buffer): void {
    if (this.puk === undefined) fail(SW.CONDITIONS_NOT_SATISFIED, 'this PIN has no PUK');
    this.replaceAfter(this.puk, data, 'the PUK');
  }

  /**
   * `data` is the value of `proof` then a new PIN: lengths are checked before any try of
   * `proof` is spent; a right proof sets the new PIN with all its tries.
   */
  private replaceAfter(proof: Secret, data: Buffer, proofName: string): void {
    const proofLength = proof.value.length;
    if (data.length < proofLength) fail(SW.WRONG_LENGTH, `shorter than ${proofName}`);
    const next = data.subarray(proofLength);
    this.checkLength(next);
    proof.check(data.subarray(0, proofLength));
    this.pin.replace(next);
  }
}
