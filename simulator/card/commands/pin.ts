/**
 * VERIFY (00 20), CHANGE REFERENCE DATA (00 24) and RESET RETRY COUNTER (00 2C) on the
 * PINs of the profile; P2 is the PIN reference. The counting lives in pins.ts; here is
 * what each command does to the session's verified state.
 */
import type { CommandApdu } from '../../../core/apdu/apdu.js';
import { type CardContext, type Reply, ok } from '../context.js';
import type { Pin } from '../pins.js';
import { SW, fail } from '../sw.js';

/** P1 must be `p1`, and P2 must name a PIN of the profile (else 6A86, wrong P1-P2). */
function pinOf(cmd: CommandApdu, ctx: CardContext, p1: number): Pin {
  if (cmd.p1 !== p1) fail(SW.WRONG_P1_P2);
  return ctx.pins.get(cmd.p2) ?? fail(SW.WRONG_P1_P2, `no PIN with reference ${cmd.p2}`);
}

export function verify(cmd: CommandApdu, ctx: CardContext): Reply {
  const pin = pinOf(cmd, ctx, 0x00);
  const verified = ctx.session.verified;
  // No data: asks for the state; costs nothing.
  if (cmd.data.length === 0) return pin.status(verified.has(pin.reference));
  pin.checkLength(cmd.data);
  // A failed VERIFY also withdraws an earlier verification (ISO 7816-4 security status).
  verified.delete(pin.reference);
  pin.verify(cmd.data);
  verified.add(pin.reference);
  return ok();
}

/** The PIN named by P2 (P1 00) of a command that must carry data. */
function pinWithData(cmd: CommandApdu, ctx: CardContext, command: string): Pin {
  const pin = pinOf(cmd, ctx, 0x00);
  if (cmd.data.length === 0) fail(SW.WRONG_LENGTH, `${command} needs data`);
  return pin;
}

export function changeReferenceData(cmd: CommandApdu, ctx: CardContext): Reply {
  // P1 00: current value then new value. (P1 01, new value only, is not supported.)
  const pin = pinWithData(cmd, ctx, 'CHANGE REFERENCE DATA');
  pin.change(cmd.data);
  ctx.session.verified.add(pin.reference);
  return ok();
}

export function resetRetryCounter(cmd: CommandApdu, ctx: CardContext): Reply {
  // P1 00: PUK then new PIN. Allowed whether or not the PIN is blocked.
  const pin = pinWithData(cmd, ctx, 'RESET RETRY COUNTER');
  pin.unblock(cmd.data);
  // A new PIN value is not a verified one.
  ctx.session.verified.delete(pin.reference);
  return ok();
}
