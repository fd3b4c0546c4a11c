/**
 * READ BINARY (00 B0) and READ RECORD (00 B2). The deliberate difference of
 * docs/demo-cards.md: under T=1 a transparent EF answers a too-large Le with what is left and
 * 6282, a record EF answers a wrong Le with 6Cxx. Under T=0 both answer 6Cxx.
 */
import type { CommandApdu } from '../../../core/apdu/apdu.js';
import type { CardContext, Reply } from '../context.js';
import { SW, fail, swWithLength } from '../sw.js';
import { checkRead, expected, noData, targetEf } from './checks.js';

/** Reading by SFI makes that EF the current EF; done only once the read succeeds. */
function makeCurrent(ctx: CardContext, ef: CardContext['session']['currentEf']): void {
  if (ef === undefined) return;
  ctx.session.currentDf = ef.parent;
  ctx.session.currentEf = ef;
}

export function readBinary(cmd: CommandApdu, ctx: CardContext): Reply {
  // P1 bit 8 set: P1 = 100x xxxx names an SFI (1-30) and P2 is the offset.
  let sfi: number | undefined;
  let offset: number;
  if (cmd.p1 & 0x80) {
    sfi = cmd.p1 & 0x1f;
    if (cmd.p1 & 0x60 || sfi === 0 || sfi === 0x1f) fail(SW.WRONG_P1_P2, 'bad SFI in P1');
    offset = cmd.p2;
  } else {
    offset = (cmd.p1 << 8) | cmd.p2;
  }
  noData(cmd);
  const want = expected(cmd, ctx);
  const ef = targetEf(ctx, sfi);
  if (ef.type !== 'transparent') fail(SW.INCOMPATIBLE_FILE_STRUCTURE, 'not a transparent EF');
  checkRead(ctx, ef);
  if (offset >= ef.content.length) fail(SW.WRONG_OFFSET, `offset ${offset} is at or past the end`);

  const left = ef.content.length - offset;
  if (want.ne > left && !want.toEnd && ctx.protocol === 'T=0') fail(swWithLength(SW.WRONG_LE, left));
  const n = Math.min(want.ne, left);
  makeCurrent(ctx, sfi === undefined ? undefined : ef);
  const data = Buffer.from(ef.content.subarray(offset, offset + n));
  return { data, sw: want.ne > left && !want.toEnd ? SW.END_OF_FILE : SW.OK };
}

export function readRecord(cmd: CommandApdu, ctx: CardContext): Reply {
  // P2 = (SFI << 3) | 100: "record number in P1"; SFI 0 means the current EF.
  if ((cmd.p2 & 0x07) !== 0x04 || cmd.p2 >> 3 === 0x1f) fail(SW.WRONG_P1_P2, 'only P2 = (SFI << 3) | 4 is supported');
  const sfi = cmd.p2 >> 3 === 0 ? undefined : cmd.p2 >> 3;
  noData(cmd);
  const want = expected(cmd, ctx);
  const ef = targetEf(ctx, sfi);
  if (ef.type !== 'linear-variable') fail(SW.INCOMPATIBLE_FILE_STRUCTURE, 'not a record EF');
  checkRead(ctx, ef);
  const record = ef.records[cmd.p1 - 1];
  if (cmd.p1 === 0 || record === undefined) fail(SW.RECORD_NOT_FOUND, `no record ${cmd.p1}`);

  if (!want.toEnd && want.ne !== record.length) fail(swWithLength(SW.WRONG_LE, record.length));
  makeCurrent(ctx, sfi === undefined ? undefined : ef);
  return { data: Buffer.from(record), sw: SW.OK };
}
