import { ApduFormatError, parseCommand } from '../../core/apdu/apdu.js';
import { hexByte, swHex } from '../../core/apdu/hex.js';
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
   * Byte strings (upper-case hex) the operator configured, as they went into the APDUs:
   * a VERIFY whose data is one of them carries the right PIN and spends no try.
   */
  trusted: () => Iterable<string>;
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

/**
 * Whether the command carries a trusted value: VERIFY as its whole data, CHANGE
 * REFERENCE DATA as the current value that starts its data (the new value follows).
 */
function carriesTrustedValue(ins: number, data: Buffer, trusted: Iterable<string>): boolean {
  const hex = data.toString('hex').toUpperCase();
  const isVerify = ins === Ins.VERIFY || ins === Ins.VERIFY_TLV;
  for (const value of trusted) {
    if (isVerify ? hex === value : hex.startsWith(value) && hex.length > value.length) return true;
  }
  return false;
}

/**
 * The guard of physical cards: before a command that spends a PIN try, it reads the tries
 * left (VERIFY with no data, ISO 7816-4 11.5.6) and lets the command through only when the
 * card answers 63Cx with x >= 2, so a wrong value leaves a try. Every other answer (one try
 * left, blocked, 9000, a card that does not take the query) refuses it: the guard fails
 * closed. The PIN the operator configured is trusted to be right. RESET RETRY COUNTER is
 * refused outright, since the PUK's tries cannot be read.
 */
export function pinGuard(policy: PinGuardPolicy): CommandGuard {
  return async (command, send) => {
    const ins = command[1];
    if (ins === undefined || policy.allowed() || !(PIN_SPENDING_INS.has(ins) || PUK_SPENDING_INS.has(ins))) return;
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
    if (PIN_SPENDING_INS.has(ins) && carriesTrustedValue(ins, parsed.data, policy.trusted())) return;
    if (PUK_SPENDING_INS.has(ins)) refuse(`RESET RETRY COUNTER of PIN ${hexByte(parsed.p2)} may spend the last PUK try, whose count no card tells`);
    const query = Buffer.from([parsed.cla, Ins.VERIFY, 0x00, parsed.p2]);
    const answer = await send(query);
    const sw = answer.length >= 2 ? answer.readUInt16BE(answer.length - 2) : 0;
    const pin = `PIN ${hexByte(parsed.p2)}`;
    if (answer.length !== 2) refuse(`the card answered ${answer.length < 2 ? 'no status word' : `${answer.length - 2} data bytes and ${swHex(sw)}`} to the tries query, so the tries left of ${pin} are unknown`);
    if ((sw & 0xfff0) === 0x63c0 && (sw & 0x0f) >= 2) return; // a wrong value leaves at least one try
    if (sw === 0x6983) refuse(`${pin} is blocked (${swHex(sw)})`);
    if ((sw & 0xfff0) === 0x63c0) refuse(`${pin} has ${sw & 0x0f} try left: a wrong value would block it`);
    refuse(`the card answered ${swHex(sw)} to the tries query: ${triesAnswerMeaning(sw)}, so the tries left of ${pin} are unknown`);
  };
}
