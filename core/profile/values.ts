/** Scalar forms of a profile: bytes (hex or `ascii:`), file ids, numbers. */
import { parseHex } from '../apdu/hex.js';
import type { Cursor } from './cursor.js';

const BYTES = 'hex bytes (e.g. "3F 00") or ascii:text (e.g. "ascii:Hello World!\\n", double-quoted for escapes)';

/** `ascii:TEXT` (TEXT's bytes, ASCII only) or hex with optional spaces or colons. */
export function bytes(c: Cursor, what = BYTES): Buffer {
  const text = c.text(what);
  if (text.startsWith('ascii:')) {
    const ascii = text.slice('ascii:'.length);
    if ([...ascii].some((ch) => ch.charCodeAt(0) > 0x7f)) c.fail('ASCII characters only after ascii:');
    return Buffer.from(ascii, 'latin1');
  }
  try {
    return parseHex(text);
  } catch {
    return c.fail(what);
  }
}

/** A number written in hex with exactly `digits` digits or fewer (`fid: 3F00`, `sfi: 1E`). */
export function hexNumber(c: Cursor, maxDigits: number, what: string): number {
  const text = c.text(what);
  if (!new RegExp(`^[0-9a-fA-F]{1,${maxDigits}}$`).test(text)) c.fail(what);
  return parseInt(text, 16);
}

/** A decimal integer in [min, max]. */
export function integer(c: Cursor, min: number, max: number): number {
  const what = `a whole number from ${min} to ${max}`;
  const text = c.text(what);
  if (!/^\d+$/.test(text)) c.fail(what);
  const n = Number(text);
  if (n < min || n > max) c.fail(what);
  return n;
}

export function oneOf<T extends string>(c: Cursor, values: readonly T[]): T {
  const what = `one of ${values.join(', ')}`;
  const text = c.text(what);
  if (!(values as readonly string[]).includes(text)) c.fail(what);
  return text as T;
}
