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

/** GET RESPONSE: the card OS lets only this command collect pending response data. */
export const INS_GET_RESPONSE = 0xc0;

/** Every instruction the card supports, in INS order (also for documentation). */
export const COMMANDS: readonly InsInfo[] = [
  { ins: 0x20, name: 'VERIFY', handler: verify },
  { ins: 0x24, name: 'CHANGE REFERENCE DATA', handler: changeReferenceData },
  { ins: 0x2c, name: 'RESET RETRY COUNTER', handler: resetRetryCounter },
  { ins: 0x84, name: 'GET CHALLENGE', handler: getChallenge },
  { ins: 0xa4, name: 'SELECT', handler: select },
  { ins: 0xb0, name: 'READ BINARY', handler: readBinary },
  { ins: 0xb2, name: 'READ RECORD', handler: readRecord },
  { ins: INS_GET_RESPONSE, name: 'GET RESPONSE', handler: getResponse },
];

export function dispatchTable(): Map<number, Handler> {
  return new Map(COMMANDS.map((c) => [c.ins, c.handler]));
}
