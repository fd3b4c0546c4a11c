import { HarnessCodes, HarnessError } from '../errors.js';

/** Malformed hex: names the text and the 1-based column of the first bad character. */
export class HexError extends HarnessError {
  readonly text: string;
  readonly column: number;

  constructor(text: string, column: number, reason: string) {
    super(HarnessCodes.BAD_HEX, `bad hex "${text}": ${reason}`);
    this.text = text;
    this.column = column;
  }
}

/** What may stand between bytes in hex, patterns and status words: "00 A4", "00:A4". */
export const HEX_SEPARATORS: ReadonlySet<string> = new Set([' ', ':', '\t']);

function isHexDigit(ch: string): boolean {
  return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
}

/**
 * Walks text written as bytes: runs of digits between separators, each run whole bytes.
 * `digit` gets every non-separator character and its 0-based index; a run of odd length
 * is reported through `halfByte` with the 1-based column of its last character.
 */
export function forEachDigit(text: string, digit: (ch: string, index: number) => void, halfByte: (column: number, ch: string) => never): void {
  let groupStart = -1;
  for (let i = 0; i <= text.length; i++) {
    const ch = text[i];
    if (ch === undefined || HEX_SEPARATORS.has(ch)) {
      if (groupStart >= 0 && (i - groupStart) % 2 === 1) halfByte(i, text[i - 1]!);
      groupStart = -1;
      continue;
    }
    if (groupStart < 0) groupStart = i;
    digit(ch, i);
  }
}

/**
 * Parses hex written with or without spaces or colons: "00 A4 04 00", "00A40400",
 * "00:A4:04:00". A run of digits between separators must hold whole bytes.
 */
export function parseHex(text: string): Buffer {
  const digits: string[] = [];
  forEachDigit(
    text,
    (ch, i) => {
      if (!isHexDigit(ch)) throw new HexError(text, i + 1, `'${ch}' at column ${i + 1}`);
      digits.push(ch);
    },
    (column, ch) => {
      throw new HexError(text, column, `'${ch}' at column ${column} is half a byte`);
    },
  );
  return Buffer.from(digits.join(''), 'hex');
}

/** The 256 byte values as two upper-case hex digits, made once: every traced APDU is printed with them. */
const HEX_BYTES: readonly string[] = Array.from({ length: 256 }, (_, b) => b.toString(16).toUpperCase().padStart(2, '0'));

/**
 * Text that is whole hex bytes (spaces and colons between them allowed, as a PIN may be
 * written: "31:32 3334"), as compact upper-case hex; undefined for any other text.
 */
export function compactHexOf(text: string): string | undefined {
  const compact = text.replace(/[\s:]/g, '');
  return /^([0-9A-Fa-f]{2})+$/.test(compact) ? compact.toUpperCase() : undefined;
}

/** One byte as two upper-case hex digits: "0A". */
export function hexByte(b: number): string {
  return HEX_BYTES[b] ?? b.toString(16).toUpperCase().padStart(2, '0');
}

/** Upper-case hex, bytes separated by `separator` (a space unless told). */
export function toHex(bytes: Uint8Array, separator = ' '): string {
  let text = '';
  for (let i = 0; i < bytes.length; i++) text += (i === 0 ? '' : separator) + HEX_BYTES[bytes[i]!]!;
  return text;
}

/** Hex of a 16-bit status word, as "6A82". */
export function swHex(sw: number): string {
  return sw.toString(16).toUpperCase().padStart(4, '0');
}
