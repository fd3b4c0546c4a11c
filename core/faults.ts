/**
 * Faults on purpose: a small, serialisable plan of how the card in one vpcd slot misbehaves
 * for the next APDUs. It is plain JSON so that it crosses every boundary the card may sit
 * behind: a call in this process, a message to a worker thread, the container's control
 * channel. The slot (simulator/vpcd/slot.ts) asks `FaultState.next()` before each APDU; power and ATR
 * frames are never faulted, so pcscd's presence polls go on.
 *
 *   { "delayMs": 200 }                 every answer 200 ms late, until cleared
 *   { "answers": ["6F00", "01026A82"] } the next two APDUs get these bytes, not the card's
 *   { "muteAfter": 2 }                 two more APDUs are answered, then none
 *   { "removeOnNextApdu": true }       the next APDU takes the card out instead of an answer
 */
import { HarnessCodes, HarnessError } from './errors.js';
import { parseHex } from './apdu/hex.js';
import { isStatusWordSw1 } from './apdu/status.js';

export interface FaultPlan {
  /** Every APDU is answered this many milliseconds late (0: on time). */
  delayMs?: number;
  /** Responses (hex: data then SW1 SW2) for the next APDUs, in order, instead of the card's. */
  answers?: string[];
  /** The card answers this many more APDUs, then goes mute (answers none). */
  muteAfter?: number;
  /** The next APDU takes the card out of the reader (the vpcd connection closes) unanswered. */
  removeOnNextApdu?: boolean;
}

/** The longest delay a plan may ask for: longer is a mute card, which has its own fault. */
export const MAX_FAULT_DELAY_MS = 10 * 60_000;

/** What the slot does with one APDU. */
type FaultAction =
  | { kind: 'card'; delayMs: number }
  | { kind: 'answer'; response: Buffer; delayMs: number }
  | { kind: 'mute' }
  | { kind: 'remove' };

function bad(message: string): never {
  throw new HarnessError(HarnessCodes.BAD_USAGE, `fault plan: ${message}`);
}

function wholeNumber(value: unknown, field: string, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max) bad(`"${field}" must be a whole number from 0 to ${max}, not ${JSON.stringify(value)}`);
  return value;
}

/** A response APDU in hex: at least SW1 SW2, which must be a status word (6xxx or 9xxx). */
export function checkFaultAnswer(hex: string): Buffer {
  let bytes: Buffer;
  try {
    bytes = parseHex(hex);
  } catch (error) {
    return bad(`an answer must be hex bytes (data then SW1 SW2): ${error instanceof Error ? error.message : String(error)}`);
  }
  if (bytes.length < 2) bad(`an answer needs at least SW1 SW2, "${hex}" has ${bytes.length} byte${bytes.length === 1 ? '' : 's'}`);
  const sw1 = bytes[bytes.length - 2]!;
  if (!isStatusWordSw1(sw1)) bad(`"${hex}" does not end in a status word (SW1 6X or 9X, ISO 7816-4 5.1.3)`);
  return bytes;
}

/** Checks a plan that came as JSON (the control channel, a thread message) field by field. */
export function decodeFaultPlan(value: unknown): FaultPlan {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) bad('must be an object');
  const plan: FaultPlan = {};
  for (const [field, v] of Object.entries(value)) {
    switch (field) {
      case 'delayMs':
        plan.delayMs = wholeNumber(v, field, MAX_FAULT_DELAY_MS);
        break;
      case 'answers':
        if (!Array.isArray(v) || v.some((a) => typeof a !== 'string')) bad('"answers" must be a list of hex strings');
        for (const answer of v as string[]) checkFaultAnswer(answer);
        plan.answers = [...(v as string[])];
        break;
      case 'muteAfter':
        plan.muteAfter = wholeNumber(v, field, Number.MAX_SAFE_INTEGER);
        break;
      case 'removeOnNextApdu':
        if (typeof v !== 'boolean') bad('"removeOnNextApdu" must be true or false');
        plan.removeOnNextApdu = v;
        break;
      default:
        bad(`unknown field "${field}" (fields: delayMs, answers, muteAfter, removeOnNextApdu)`);
    }
  }
  return plan;
}

/**
 * The faults in force on one slot. `add` merges a plan in (a field given replaces the one
 * in force; answers queue up behind those not yet used); `clear` ends every fault, as
 * taking the card out or putting a new card in does.
 */
export class FaultState {
  private delayMs = 0;
  private readonly answers: Buffer[] = [];
  /** APDUs still answered before the card goes mute; undefined: never mute. */
  private answeredBeforeMute: number | undefined;
  private removeOnNext = false;

  add(plan: FaultPlan): void {
    const checked = decodeFaultPlan(plan);
    if (checked.delayMs !== undefined) this.delayMs = checked.delayMs;
    if (checked.answers) this.answers.push(...checked.answers.map(checkFaultAnswer));
    if (checked.muteAfter !== undefined) this.answeredBeforeMute = checked.muteAfter;
    if (checked.removeOnNextApdu !== undefined) this.removeOnNext = checked.removeOnNextApdu;
  }

  clear(): void {
    this.delayMs = 0;
    this.answers.length = 0;
    this.answeredBeforeMute = undefined;
    this.removeOnNext = false;
  }

  /** Whether any fault is in force (the slot's fast path skips all of this otherwise). */
  get active(): boolean {
    return this.delayMs > 0 || this.answers.length > 0 || this.answeredBeforeMute !== undefined || this.removeOnNext;
  }

  /** Whether the card is mute now. */
  get mute(): boolean {
    return this.answeredBeforeMute === 0;
  }

  /** What the plan in force says about the next APDU; counts it. */
  next(): FaultAction {
    if (this.removeOnNext) {
      this.removeOnNext = false;
      return { kind: 'remove' };
    }
    if (this.mute) return { kind: 'mute' };
    if (this.answeredBeforeMute !== undefined) this.answeredBeforeMute -= 1;
    const response = this.answers.shift();
    if (response) return { kind: 'answer', response, delayMs: this.delayMs };
    return { kind: 'card', delayMs: this.delayMs };
  }

  /** The plan in force, as JSON (for status and diagnostics). */
  describe(): FaultPlan {
    const plan: FaultPlan = {};
    if (this.delayMs > 0) plan.delayMs = this.delayMs;
    if (this.answers.length > 0) plan.answers = this.answers.map((a) => a.toString('hex').toUpperCase());
    if (this.answeredBeforeMute !== undefined) plan.muteAfter = this.answeredBeforeMute;
    if (this.removeOnNext) plan.removeOnNextApdu = true;
    return plan;
  }
}
