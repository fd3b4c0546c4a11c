/** GET CHALLENGE (00 84) and GET RESPONSE (00 C0). */
import type { CommandApdu } from '../../../core/apdu/apdu.js';
import type { CardContext, Reply } from '../context.js';
import { SW, fail, swWithLength } from '../sw.js';
import { expected, noData } from './checks.js';

/** Bytes GET CHALLENGE answers when Le says "as many as you have". */
const CHALLENGE_LENGTH = 8;

export function getChallenge(cmd: CommandApdu, ctx: CardContext): Reply {
  if (cmd.p1 !== 0 || cmd.p2 !== 0) fail(SW.WRONG_P1_P2);
  noData(cmd);
  const want = expected(cmd, ctx);
  const n = want.toEnd ? CHALLENGE_LENGTH : Math.min(want.ne, 256);
  return { data: ctx.randomBytes(n), sw: SW.OK };
}

/**
 * Hands out what a 61xx announced. A smaller Le gets a piece and 61yy for the rest.
 * Under T=0 a larger Le answers 6Cxx and keeps the data pending (ISO 7816-3); under T=1
 * it just gets what there is.
 */
export function getResponse(cmd: CommandApdu, ctx: CardContext): Reply {
  if (cmd.p1 !== 0 || cmd.p2 !== 0) fail(SW.WRONG_P1_P2);
  noData(cmd);
  const want = expected(cmd, ctx);
  const pending = ctx.session.pending ?? fail(SW.CONDITIONS_NOT_SATISFIED, 'no response is pending');
  ctx.session.pending = undefined;
  const left = pending.data.length;
  if (ctx.protocol === 'T=0' && want.ne > left) {
    ctx.session.pending = pending;
    fail(swWithLength(SW.WRONG_LE, left));
  }
  if (want.ne >= left) return pending;
  ctx.session.pending = { data: pending.data.subarray(want.ne), sw: pending.sw };
  return { data: pending.data.subarray(0, want.ne), sw: swWithLength(SW.BYTES_AVAILABLE, left - want.ne) };
}
