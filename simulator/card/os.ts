/**
 * The card OS: takes any byte string, answers a response APDU, never throws. The order
 * of the checks is the error precedence of docs/demo-cards.md: CLA, INS, then (for what cannot even
 * be decoded) length; each handler continues with P1-P2, length, file, security, offset.
 * Errors become status words in exactly one place: `transmit`.
 */
import { ApduFormatError, type CommandApdu, encodeResponse, parseCommand } from '../../core/apdu/apdu.js';
import { Ins } from '../../core/apdu/ins.js';
import { dispatchTable } from './commands/index.js';
import { type CardContext, EMPTY, type Handler, type Reply } from './context.js';
import { SW, StatusWordError, fail, swWithLength } from './sw.js';

/**
 * CLA, checked first. Only 00 goes on: proprietary classes, chaining, logical channels
 * and secure messaging are not implemented, and each answers its own status word.
 */
export function checkCla(cla: number): void {
  if (cla >= 0x80) fail(SW.CLA_NOT_SUPPORTED, 'proprietary class');
  if (cla & 0x10) fail(SW.CHAINING_NOT_SUPPORTED, 'command chaining');
  if (cla & 0x40 || cla & 0x03) fail(SW.LOGICAL_CHANNEL_NOT_SUPPORTED, 'logical channel');
  if (cla & 0x0c) fail(SW.SECURE_MESSAGING_NOT_SUPPORTED, 'secure messaging');
  if (cla !== 0x00) fail(SW.CLA_NOT_SUPPORTED);
}

export class CardOs {
  private readonly handlers: Map<number, Handler>;

  constructor(handlers: Map<number, Handler> = dispatchTable()) {
    this.handlers = handlers;
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
    // Only GET RESPONSE may collect pending data (the card OS's rule); any other command discards it.
    if (raw[1] !== Ins.GET_RESPONSE) ctx.session.pending = undefined;
    if (raw.length >= 1) checkCla(raw[0]!);
    const handler = raw.length >= 2 ? this.handlers.get(raw[1]!) : undefined;
    if (raw.length >= 2 && handler === undefined) fail(SW.INS_NOT_SUPPORTED);

    let cmd: CommandApdu;
    try {
      cmd = parseCommand(raw);
    } catch (err) {
      if (err instanceof ApduFormatError) fail(SW.WRONG_LENGTH, err.message);
      throw err;
    }
    // T=0 has no extended length (ISO 7816-3: P3 is one byte).
    if (ctx.protocol === 'T=0' && cmd.extended) fail(SW.WRONG_LENGTH, 'no extended length under T=0');
    const reply = handler!(cmd, ctx);
    return ctx.protocol === 'T=0' ? this.t0(cmd, reply, ctx) : this.t1(cmd, reply, ctx);
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

  /** T=1: more data than Ne goes out in pieces, 61xx telling what is left (ISO 7816-4 5.3.4). */
  private t1(cmd: CommandApdu, reply: Reply, ctx: CardContext): Reply {
    if (cmd.ne === undefined || reply.data.length <= cmd.ne) return reply;
    ctx.session.pending = { data: Buffer.from(reply.data.subarray(cmd.ne)), sw: reply.sw };
    return { data: reply.data.subarray(0, cmd.ne), sw: swWithLength(SW.BYTES_AVAILABLE, reply.data.length - cmd.ne) };
  }
}
