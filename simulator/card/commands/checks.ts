/**
 * Checks several commands share. Each one throws the status word, so a handler reads
 * as the list of its checks in the precedence order of docs/demo-cards.md: P1-P2, length, file,
 * security, then offset or record.
 */
import type { CommandApdu } from '../../../core/apdu/apdu.js';
import { EXTENDED_NE_MAX, SHORT_NE_MAX } from '../../../core/apdu/apdu.js';
import type { CardContext } from '../context.js';
import type { ElementaryFile } from '../files.js';
import { SW, fail } from '../sw.js';

/** For case-1/2 commands: a data field is a length error. */
export function noData(cmd: CommandApdu): void {
  if (cmd.data.length > 0) fail(SW.WRONG_LENGTH, 'this command takes no data');
}

/** What the Le field asks for. */
export interface Expected {
  /** Bytes asked for. */
  ne: number;
  /** Le "as many as there are": short 00 or extended 0000 under T=1. */
  toEnd: boolean;
}

/**
 * Le of a command that reads data. Under T=1, Le 00 / 0000 means "up to the end" and a
 * missing Le is a length error. Under T=0 (ISO 7816-3) the card sees P3, where a
 * missing Le and Le 00 both mean 256 bytes, and nothing means "to the end".
 */
export function expected(cmd: CommandApdu, ctx: CardContext): Expected {
  if (ctx.protocol === 'T=0') return { ne: cmd.ne ?? SHORT_NE_MAX, toEnd: false };
  if (cmd.ne === undefined) fail(SW.WRONG_LENGTH, 'this command needs an Le field');
  const toEnd = (!cmd.extended && cmd.ne === SHORT_NE_MAX) || cmd.ne === EXTENDED_NE_MAX;
  return { ne: cmd.ne, toEnd };
}

/**
 * The EF a read names: by short file id under the current DF, or the current EF when
 * `sfi` is undefined. 6986 without a current EF, 6A82 for an unknown SFI.
 */
export function targetEf(ctx: CardContext, sfi: number | undefined): ElementaryFile {
  if (sfi === undefined) return ctx.session.currentEf ?? fail(SW.NO_CURRENT_EF, 'no current EF');
  return ctx.session.currentDf.efBySfi(sfi) ?? fail(SW.FILE_NOT_FOUND, `no EF with SFI ${sfi} here`);
}

/** 6982 unless the EF's read rule is met in this card session. */
export function checkRead(ctx: CardContext, ef: ElementaryFile): void {
  const rule = ef.read;
  if (rule.kind === 'always') return;
  if (rule.kind === 'pin' && ctx.session.verified.has(rule.reference)) return;
  fail(SW.SECURITY_NOT_SATISFIED, 'read access condition not met');
}
