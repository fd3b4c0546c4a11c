/**
 * The card OS's INS dispatch table. Adding a command = writing a handler and adding a
 * row here (and to docs/demo-cards.md if the demo card's contract changes).
 */
import { Ins } from '../../../core/apdu/ins.js';
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
  { ins: Ins.VERIFY, name: 'VERIFY', handler: verify },
  { ins: Ins.CHANGE_REFERENCE_DATA, name: 'CHANGE REFERENCE DATA', handler: changeReferenceData },
  { ins: Ins.RESET_RETRY_COUNTER, name: 'RESET RETRY COUNTER', handler: resetRetryCounter },
  { ins: Ins.GET_CHALLENGE, name: 'GET CHALLENGE', handler: getChallenge },
  { ins: Ins.SELECT, name: 'SELECT', handler: select },
  { ins: Ins.READ_BINARY, name: 'READ BINARY', handler: readBinary },
  { ins: Ins.READ_RECORD, name: 'READ RECORD', handler: readRecord },
  { ins: Ins.GET_RESPONSE, name: 'GET RESPONSE', handler: getResponse },
];

export function dispatchTable(): Map<number, Handler> {
  return new Map(COMMANDS.map((c) => [c.ins, c.handler]));
}
