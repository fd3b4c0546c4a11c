/**
 * SELECT (00 A4), ISO 7816-4 11.2.2, as docs/demo-cards.md pins it down. A failed SELECT
 * changes nothing: the target is found first and the session updated last.
 */
import type { CommandApdu } from '../../../core/apdu/apdu.js';
import { EMPTY, type CardContext, type Reply } from '../context.js';
import { fci, fcp } from '../fci.js';
import { type CardFile, findByAid, findById, findByPath } from '../files.js';
import { SW, fail } from '../sw.js';

const P1 = { ID: 0x00, EF_UNDER_DF: 0x02, NAME: 0x04, PATH_FROM_MF: 0x08, PATH_FROM_DF: 0x09 } as const;
const P2 = { FCI: 0x00, FCP: 0x04, NONE: 0x0c } as const;

const P1_VALUES: ReadonlySet<number> = new Set(Object.values(P1));
const P2_VALUES: ReadonlySet<number> = new Set(Object.values(P2));

function fids(data: Buffer): number[] {
  const out: number[] = [];
  for (let i = 0; i + 1 < data.length; i += 2) out.push(data.readUInt16BE(i));
  return out;
}

/** Length checks per P1, before any lookup (precedence: length before file). */
function checkLength(p1: number, data: Buffer): void {
  const n = data.length;
  const good =
    p1 === P1.ID ? n === 0 || n === 2 : p1 === P1.EF_UNDER_DF ? n === 2 : p1 === P1.NAME ? n >= 1 && n <= 16 : n >= 2 && n % 2 === 0;
  if (!good) fail(SW.WRONG_LENGTH, `wrong data length ${n} for SELECT P1 ${p1}`);
}

function find(ctx: CardContext, p1: number, data: Buffer): CardFile | undefined {
  const current = ctx.session.currentDf;
  switch (p1) {
    case P1.ID:
      // ISO 7816-4: P1-P2 00 00 with no data selects the MF.
      return data.length === 0 ? ctx.mf : findById(ctx.mf, current, data.readUInt16BE(0));
    case P1.EF_UNDER_DF: {
      const child = current.child(data.readUInt16BE(0));
      return child?.kind === 'ef' ? child : undefined;
    }
    case P1.NAME:
      return findByAid(ctx.mf, data);
    case P1.PATH_FROM_MF:
      return findByPath(ctx.mf, fids(data));
    default:
      return findByPath(current, fids(data));
  }
}

export function select(cmd: CommandApdu, ctx: CardContext): Reply {
  if (!P1_VALUES.has(cmd.p1) || !P2_VALUES.has(cmd.p2)) fail(SW.WRONG_P1_P2);
  checkLength(cmd.p1, cmd.data);
  const file = find(ctx, cmd.p1, cmd.data) ?? fail(SW.FILE_NOT_FOUND);

  const session = ctx.session;
  if (file.kind === 'ef') {
    session.currentDf = file.parent;
    session.currentEf = file;
  } else {
    session.currentDf = file;
    session.currentEf = undefined;
  }

  if (cmd.p2 === P2.NONE) return { data: EMPTY, sw: SW.OK };
  const byName = cmd.p1 === P1.NAME;
  return { data: cmd.p2 === P2.FCI ? fci(file, byName) : fcp(file), sw: SW.OK };
}
