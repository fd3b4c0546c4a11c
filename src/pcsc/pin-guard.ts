import { ApduFormatError, parseCommand } from '../../core/apdu/apdu.js';
import { compactHexOf, hexByte, swHex } from '../../core/apdu/hex.js';
import { Ins, PIN_SPENDING_INS, PUK_SPENDING_INS } from '../../core/apdu/ins.js';
import { HarnessCodes, HarnessError } from '../../core/errors.js';
import type { CommandGuard } from './client.js';

const DESTRUCTIVE_TAG = '@destructive';

function refuse(reason: string): never {
  throw new HarnessError(HarnessCodes.REFUSED, `refused to protect the card: ${reason}; tag the scenario ${DESTRUCTIVE_TAG} to allow it`);
}

export interface PinGuardPolicy {
  /** Whether the scenario may risk the PIN (it is tagged @destructive). */
  allowed: () => boolean;
  /**
   * The card PIN the operator configured, as byte strings (upper-case hex) in each form a
   * step can send it (see cardPinForms). Empty: no PIN is configured, nothing is trusted.
   */
  cardPin: () => readonly string[];
  /**
   * Byte strings (upper-case hex) that `${...}` secrets put into the APDUs. The configured
   * PIN is trusted where one of them put it there, so that bytes typed out in a feature
   * (`02 12 34`) are never taken for a PIN held as text (`1234`).
   */
  secretBytes: () => Iterable<string>;
  /**
   * Where the configured PIN comes from, or why none is trusted, for refusals: the name
   * (`cardPin ${env:CARD_PIN}`), never the value.
   */
  cardPinNote?: () => string;
  /**
   * Called when a command that may give a PIN a new value goes to the card (only a
   * @destructive scenario sends one): the configured PIN may be wrong from then on.
   */
  pinChanged?: () => void;
}

/**
 * The byte strings (upper-case hex) of a configured card PIN, in the two forms features
 * send it: its text as ASCII bytes (`${ascii:${env:CARD_PIN}}`), and, when it is written
 * as hex (a PIN that is not text), those bytes (`${env:CARD_PIN}`). An empty PIN has none.
 */
export function cardPinForms(pin: string): string[] {
  if (pin === '') return [];
  const forms = [Buffer.from(pin, 'latin1').toString('hex').toUpperCase()];
  const asHex = compactHexOf(pin);
  if (asHex !== undefined && !forms.includes(asHex)) forms.push(asHex);
  return forms;
}

/** What a card meant by an answer to the tries query that tells no count (ISO 7816-4). */
function triesAnswerMeaning(sw: number): string {
  if (sw === 0x9000) return 'the PIN is verified already or needs no verification';
  if (sw === 0x6a86 || sw === 0x6b00) return 'wrong P1-P2: the card does not take the query';
  if (sw === 0x6a88) return 'no such PIN';
  if (sw === 0x6d00) return 'INS not supported';
  if (sw === 0x6e00) return 'CLA not supported';
  if (sw === 0x6700) return 'wrong length: the card does not take the query';
  if (sw === 0x6982 || sw === 0x6985) return 'not allowed now';
  return 'no tries count';
}

const CHANGE_INS: ReadonlySet<number> = new Set([Ins.CHANGE_REFERENCE_DATA, Ins.CHANGE_REFERENCE_DATA_TLV]);

/** Whether a command may give a PIN a new value when the card accepts it. */
function maySetPin(ins: number, command: Buffer): boolean {
  if (!CHANGE_INS.has(ins) && !PUK_SPENDING_INS.has(ins)) return false;
  try {
    return parseCommand(command).data.length > 0;
  } catch {
    return true; // lengths that do not add up: a card may still take the data
  }
}

/**
 * The guard of physical cards: before a command that spends a PIN try, it reads the tries
 * left (VERIFY with no data, ISO 7816-4 11.5.6) and lets the command through only when the
 * card answers 63Cx with x >= 2, so a wrong value leaves a try. Every other answer (one try
 * left, blocked, 9000, a card that does not take the query) refuses it: the guard fails
 * closed. Only the card PIN the operator configured is trusted to be right, and sent
 * without the query: a VERIFY whose data is exactly that PIN, put there by a `${...}` form.
 * Any other value (another variable, a value typed out, the PIN with bytes around it) is
 * checked. A command that would give the PIN a new value (CHANGE REFERENCE DATA from the
 * configured PIN to another, or without the current PIN; RESET RETRY COUNTER, whose PUK
 * tries no card tells) is refused outright: the configured PIN would be wrong after it.
 */
export function pinGuard(policy: PinGuardPolicy): CommandGuard {
  return async (command, send) => {
    const ins = command[1];
    if (ins === undefined || !(PIN_SPENDING_INS.has(ins) || PUK_SPENDING_INS.has(ins))) return;
    if (policy.allowed()) {
      if (maySetPin(ins, command)) policy.pinChanged?.();
      return;
    }
    let parsed;
    try {
      parsed = parseCommand(command);
    } catch (error) {
      // Lengths that do not add up are no proof that nothing is spent: a card may read the
      // first Lc bytes as a PIN and ignore the rest. Fail closed.
      if (error instanceof ApduFormatError) refuse(`${error.message}: a card may still take it as a PIN try`);
      throw error;
    }
    if (parsed.data.length === 0) return; // a status query spends no try
    const pin = `PIN ${hexByte(parsed.p2)}`;
    if (PUK_SPENDING_INS.has(ins)) refuse(`RESET RETRY COUNTER of ${pin} may spend the last PUK try, whose count no card tells, and sets a new PIN`);
    const hex = parsed.data.toString('hex').toUpperCase();
    const configured = policy.cardPin();
    const secret = new Set(policy.secretBytes());
    if (ins === Ins.VERIFY || ins === Ins.VERIFY_TLV) {
      if (configured.includes(hex) && secret.has(hex)) return;
    } else if (ins === Ins.CHANGE_REFERENCE_DATA && parsed.p1 === 0x00) {
      // The data is the current value, then the new one (ISO 7816-4 11.5.7).
      const current = configured.find((value) => hex.startsWith(value) && hex.length > value.length);
      if (current !== undefined) {
        if (hex !== current + current) refuse(`CHANGE REFERENCE DATA would give ${pin} a new value, and the configured card PIN would be wrong from then on`);
        if (secret.has(current)) return; // the configured PIN set to itself: nothing changes
      }
      // A current value that is not the configured PIN is wrong: the card refuses the change and counts a try.
    } else {
      refuse(`CHANGE REFERENCE DATA ${ins === Ins.CHANGE_REFERENCE_DATA ? `with P1 ${hexByte(parsed.p1)} (no current value)` : 'with TLV data'} may give ${pin} a new value, and the configured card PIN would be wrong from then on`);
    }
    const query = Buffer.from([parsed.cla, Ins.VERIFY, 0x00, parsed.p2]);
    const answer = await send(query);
    const sw = answer.length >= 2 ? answer.readUInt16BE(answer.length - 2) : 0;
    // Said in every refusal of a value that the tries left decide: which one would go unchecked.
    const note = policy.cardPinNote ? ` (${policy.cardPinNote()})` : '';
    if (answer.length !== 2) refuse(`the card answered ${answer.length < 2 ? 'no status word' : `${answer.length - 2} data bytes and ${swHex(sw)}`} to the tries query, so the tries left of ${pin} are unknown${note}`);
    if ((sw & 0xfff0) === 0x63c0 && (sw & 0x0f) >= 2) return; // a wrong value leaves at least one try
    if (sw === 0x6983) refuse(`${pin} is blocked (${swHex(sw)})`);
    if ((sw & 0xfff0) === 0x63c0) refuse(`${pin} has ${sw & 0x0f} try left: a wrong value would block it${note}`);
    refuse(`the card answered ${swHex(sw)} to the tries query: ${triesAnswerMeaning(sw)}, so the tries left of ${pin} are unknown${note}`);
  };
}
