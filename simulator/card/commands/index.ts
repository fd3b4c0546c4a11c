/**
 * The card OS's INS dispatch table. Adding a command = writing a handler and adding a
 * row here (and to DEMO-CARD.md if the demo card's contract changes).
 */
import type { Handler } from '../context.js';
import { getChallenge, getResponse } from './misc.js';
import { changeReferenceData, resetRetryCounter, verify } from './pin.js';
import { readBinary, readRecord } from './read.js';
import { select } from './select.js';

export interface InsInfo {
  ins: number;
  name: string;
  handler: Handler;
}

/** Every instruction the card supports, in INS order (also for documentation). */
export const COMMANDS: readonly InsInfo[] = [
  { ins: 0x20, name: 'VERIFY', handler: verify },
  { ins: 0x24, name: 'CHANGE REFERENCE DATA', handler: changeReferenceData },
  { ins: 0x2c, name: 'RESET RETRY COUNTER', handler: resetRetryCounter },
  { ins: 0x84, name: 'GET CHALLENGE', handler: getChallenge },
  { ins: 0xa4, name: 'SELECT', handler: select },
  { ins: 0xb0, name: 'READ BINARY', handler: readBinary },
  { ins: 0xb2, name: 'READ RECORD', handler: readRecord },
  { ins: 0xc0, name: 'GET RESPONSE', handler: getResponse },
];

/** INS and name of each supported command, for docs: `[{ ins: 0x20, name: 'VERIFY' }, ...]`. */
export const SUPPORTED_INS: readonly { ins: number; name: string }[] = COMMANDS.map(({ ins, name }) => ({ ins, name }));

export const INS_GET_RESPONSE = 0xc0;

export function dispatchTable(): Map<number, Handler> {
  return new Map(COMMANDS.map((c) => [c.ins, c.handler]));
}
