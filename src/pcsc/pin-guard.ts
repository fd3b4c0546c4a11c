import { ApduFormatError, parseCommand } from '../../core/apdu/apdu.js';
import { swHex } from '../../core/apdu/hex.js';
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
 * left (VERIFY with no data, ISO 7816-4 11.5.6) and refuses the command when a wrong value
 * would block the PIN, or when it is already blocked. The PIN the operator configured is
 * trusted to be right. RESET RETRY COUNTER is refused outright, since the PUK's tries
 * cannot be read.
 */
export function pinGuard(policy: PinGuardPolicy): CommandGuard {
  return async (command, send) => {
    const ins = command[1];
    if (ins === undefined || policy.allowed() || !(PIN_SPENDING_INS.has(ins) || PUK_SPENDING_INS.has(ins))) return;
    let parsed;
    try {
      parsed = parseCommand(command);
    } catch (error) {
      if (error instanceof ApduFormatError) return; // the card answers 6700 and spends nothing
      throw error;
    }
    if (parsed.data.length === 0) return; // a status query spends no try
    if (PIN_SPENDING_INS.has(ins) && carriesTrustedValue(ins, parsed.data, policy.trusted())) return;
    if (PUK_SPENDING_INS.has(ins)) refuse(`RESET RETRY COUNTER of PIN ${parsed.p2.toString(16).toUpperCase().padStart(2, '0')} may spend the last PUK try, whose count no card tells`);
    const query = Buffer.from([parsed.cla, Ins.VERIFY, 0x00, parsed.p2]);
    const answer = await send(query);
    const sw = answer.length >= 2 ? answer.readUInt16BE(answer.length - 2) : 0;
    const pin = `PIN ${parsed.p2.toString(16).toUpperCase().padStart(2, '0')}`;
    if (sw === 0x6983) refuse(`${pin} is blocked (${swHex(sw)})`);
    if ((sw & 0xfff0) === 0x63c0 && (sw & 0x0f) <= 1) {
      refuse(`${pin} has ${sw & 0x0f} try left: a wrong value would block it`);
    }
  };
}
