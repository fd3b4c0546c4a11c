/**
 * The card OS: takes any byte string, answers a response APDU, never throws. The order
 * of the checks is the error precedence of docs/demo-cards.md: CLA, INS, then (for what cannot even
 * be decoded) length; each handler continues with P1-P2, length, file, security, offset.
 * Errors become status words in exactly one place: `transmit`.
 *
 * Applets (applet.ts): SELECT by name of an applet's AID selects it; while one is
 * selected, commands go to it first, the CLA rules it asks for apply (chaining,
 * proprietary classes) and the ISO commands handle what it leaves. With no applet
 * selected, the card is exactly the demo card of docs/demo-cards.md.
 */
import { ApduFormatError, type CommandApdu, EXTENDED_NE_MAX, SHORT_NE_MAX, encodeResponse, parseCommand } from '../../core/apdu/apdu.js';
import { Ins } from '../../core/apdu/ins.js';
import { type Applet, type CardCommand, appletByName } from './applet.js';
import { dispatchTable } from './commands/index.js';
import { type CardContext, EMPTY, type Handler, type Reply, ok } from './context.js';
import { SW, StatusWordError, fail, swWithLength } from './sw.js';

const SELECT_BY_NAME = 0x04;
/** CLA bit 5: more pieces of this command follow (ISO 7816-4 5.4.1). */
const CLA_CHAINING = 0x10;
/** A chained command's data may not grow past what an extended Lc can say. */
const MAX_CHAINED_DATA = 65535;

/** What the CLA may carry besides 00 (and, for chaining, 10). */
export interface ClassRules {
  chaining: boolean;
  proprietary: boolean;
}

const INTERINDUSTRY_ONLY: ClassRules = { chaining: false, proprietary: false };
/** The instructions the OS itself knows, worked out once (every fresh card asks: virtual-card.ts). */
const ISO_INSTRUCTIONS: ReadonlySet<number> = new Set(dispatchTable().keys());

/**
 * CLA, checked first. Without rules only 00 goes on: proprietary classes, chaining,
 * logical channels and secure messaging each answer their own status word. An applet
 * may allow chaining and proprietary classes (80 to FE, whose bits the OS leaves alone).
 */
export function checkCla(cla: number, rules: ClassRules = INTERINDUSTRY_ONLY): void {
  if (cla >= 0x80) {
    if (rules.proprietary && cla !== 0xff) return;
    fail(SW.CLA_NOT_SUPPORTED, 'proprietary class');
  }
  if (cla & CLA_CHAINING && !rules.chaining) fail(SW.CHAINING_NOT_SUPPORTED, 'command chaining');
  if (cla & 0x40 || cla & 0x03) fail(SW.LOGICAL_CHANNEL_NOT_SUPPORTED, 'logical channel');
  if (cla & 0x0c) fail(SW.SECURE_MESSAGING_NOT_SUPPORTED, 'secure messaging');
  if ((cla & ~CLA_CHAINING) !== 0x00) fail(SW.CLA_NOT_SUPPORTED);
}

export class CardOs {
  private readonly handlers: Map<number, Handler>;
  /** Instructions of the profile's extensions that take a proprietary class. */
  private readonly proprietaryIns: ReadonlySet<number>;

  /** The ISO 7816-4 commands, plus `extra` instructions (a profile's extensions). */
  constructor(extra: readonly CardCommand[] = []) {
    this.handlers = dispatchTable();
    for (const c of extra) this.handlers.set(c.ins, c.handler);
    this.proprietaryIns = new Set(extra.filter((c) => c.proprietaryClass === true).map((c) => c.ins));
  }

  /** The instructions the OS itself knows (an extension may not take one of them). */
  static isoInstructions(): ReadonlySet<number> {
    return ISO_INSTRUCTIONS;
  }

  /** One command in, one response out (data + SW), whatever the bytes are. */
  transmit(raw: Uint8Array, ctx: CardContext): Buffer {
    let reply: Reply;
    try {
      reply = this.process(raw, ctx);
    } catch (err) {
      // A StatusWordError is an answer; anything else is a simulator bug, which must not
      // take the card (and with it pcscd's reader) down: 6F00.
      reply = { data: EMPTY, sw: err instanceof StatusWordError ? err.sw : SW.UNKNOWN_ERROR };
    }
    return encodeResponse(reply.data, reply.sw);
  }

  private process(raw: Uint8Array, ctx: CardContext): Reply {
    const session = ctx.session;
    // Only GET RESPONSE may collect pending data (the card OS's rule); any other command discards it.
    if (raw[1] !== Ins.GET_RESPONSE) session.pending = undefined;
    const applet = session.applet;
    if (raw.length >= 1) checkCla(raw[0]!, this.classRules(raw, applet));
    const handler = raw.length >= 2 ? this.handlers.get(raw[1]!) : undefined;
    // With an applet selected, the applet decides which instructions it has.
    if (raw.length >= 2 && handler === undefined && applet === undefined) fail(SW.INS_NOT_SUPPORTED);

    let cmd: CommandApdu;
    try {
      cmd = parseCommand(raw);
    } catch (err) {
      session.chain = undefined;
      if (err instanceof ApduFormatError) fail(SW.WRONG_LENGTH, err.message);
      throw err;
    }
    // T=0 has no extended length (ISO 7816-3: P3 is one byte).
    if (ctx.protocol === 'T=0' && cmd.extended) fail(SW.WRONG_LENGTH, 'no extended length under T=0');
    const whole = this.chain(cmd, ctx);
    if (whole === undefined) return ok();
    const reply = this.dispatch(whole, handler, ctx);
    return ctx.protocol === 'T=0' ? this.t0(cmd, reply, ctx) : this.t1(cmd, reply, ctx);
  }

  private classRules(raw: Uint8Array, applet: Applet | undefined): ClassRules {
    const proprietaryIns = raw.length >= 2 && this.proprietaryIns.has(raw[1]!);
    // Most APDUs: no applet, no proprietary instruction; no new object for them.
    if (applet === undefined && !proprietaryIns) return INTERINDUSTRY_ONLY;
    return { chaining: applet?.chaining === true, proprietary: applet?.proprietaryClass === true || proprietaryIns };
  }

  /**
   * Command chaining (only reached when the selected applet takes it): a piece with
   * CLA bit 10 is kept and answered 9000; the piece without it completes the command.
   * A command that does not continue the chain (other INS, P1 or P2) abandons it.
   */
  private chain(cmd: CommandApdu, ctx: CardContext): CommandApdu | undefined {
    const session = ctx.session;
    let chain = session.chain;
    if (chain !== undefined && (chain.ins !== cmd.ins || chain.p1 !== cmd.p1 || chain.p2 !== cmd.p2)) chain = undefined;
    session.chain = undefined;
    const length = (chain?.length ?? 0) + cmd.data.length;
    if (length > MAX_CHAINED_DATA) fail(SW.WRONG_LENGTH, `chained data longer than ${MAX_CHAINED_DATA} bytes`);
    if (cmd.cla & CLA_CHAINING && cmd.cla < 0x80) {
      const parts = [...(chain?.parts ?? []), cmd.data];
      session.chain = { ins: cmd.ins, p1: cmd.p1, p2: cmd.p2, parts, length };
      return undefined;
    }
    if (chain === undefined) return cmd;
    return { ...cmd, data: Buffer.concat([...chain.parts, cmd.data]) };
  }

  /** SELECT of an applet's name, else the selected applet, else the ISO commands. */
  private dispatch(cmd: CommandApdu, handler: Handler | undefined, ctx: CardContext): Reply {
    const session = ctx.session;
    if (cmd.ins === Ins.SELECT && cmd.p1 === SELECT_BY_NAME && cmd.cla < 0x80) {
      const target = appletByName(ctx.applets, cmd.data);
      if (target !== undefined) {
        const reply = target.select(cmd, ctx);
        // Selected only once its SELECT succeeded: a failed SELECT changes nothing.
        session.applet = target;
        return reply;
      }
    }
    const applet = session.applet;
    if (applet !== undefined) {
      const reply = applet.process(cmd, ctx);
      if (reply !== undefined) return reply;
    }
    if (handler === undefined) fail(SW.INS_NOT_SUPPORTED);
    const reply = handler(cmd, ctx);
    // A file SELECT that succeeded leaves the applet (ISO 7816-4: one current DF).
    if (cmd.ins === Ins.SELECT) session.applet = undefined;
    return reply;
  }

  /**
   * T=0 (ISO 7816-3 10.3.5): a case-4 command cannot carry response data in the same
   * exchange, so data answering a command that carried data waits for GET RESPONSE
   * behind 61xx, whatever Le the command had.
   */
  private t0(cmd: CommandApdu, reply: Reply, ctx: CardContext): Reply {
    if (cmd.ins === Ins.GET_RESPONSE || cmd.data.length === 0 || reply.data.length === 0) return reply;
    ctx.session.pending = { data: Buffer.from(reply.data), sw: reply.sw };
    return { data: EMPTY, sw: swWithLength(SW.BYTES_AVAILABLE, reply.data.length) };
  }

  /**
   * T=1: more data than Ne goes out in pieces, 61xx telling what is left (ISO 7816-4
   * 5.3.4). With an applet selected, a command without Le that gets data anyway (hosts
   * such as yubico-piv-tool send GET DATA as case 3) gets at most 256 bytes (65536 when
   * extended), as PIV cards and YubiKeys answer; the demo card answers all of it.
   */
  private t1(cmd: CommandApdu, reply: Reply, ctx: CardContext): Reply {
    const ne = cmd.ne ?? (ctx.session.applet === undefined ? undefined : cmd.extended ? EXTENDED_NE_MAX : SHORT_NE_MAX);
    if (ne === undefined || reply.data.length <= ne) return reply;
    ctx.session.pending = { data: Buffer.from(reply.data.subarray(ne)), sw: reply.sw };
    return { data: reply.data.subarray(0, ne), sw: swWithLength(SW.BYTES_AVAILABLE, reply.data.length - ne) };
  }
}
