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

const SEPARATORS = new Set([' ', ':', '\t']);

function isHexDigit(ch: string): boolean {
  return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
}

/**
 * Parses hex written with or without spaces or colons: "00 A4 04 00", "00A40400",
 * "00:A4:04:00". A run of digits between separators must hold whole bytes.
 */
export function parseHex(text: string): Buffer {
  const digits: string[] = [];
  let groupStart = -1;
  for (let i = 0; i <= text.length; i++) {
    const ch = text[i];
    if (ch === undefined || SEPARATORS.has(ch)) {
      if (groupStart >= 0 && (i - groupStart) % 2 === 1) {
        throw new HexError(text, i, `'${text[i - 1]}' at column ${i} is half a byte`);
      }
      groupStart = -1;
      continue;
    }
    if (!isHexDigit(ch)) throw new HexError(text, i + 1, `'${ch}' at column ${i + 1}`);
    if (groupStart < 0) groupStart = i;
    digits.push(ch);
  }
  return Buffer.from(digits.join(''), 'hex');
}

/** Upper-case hex, bytes separated by `separator` (a space unless told). */
export function toHex(bytes: Uint8Array, separator = ' '): string {
  const parts: string[] = [];
  for (const b of bytes) parts.push(b.toString(16).toUpperCase().padStart(2, '0'));
  return parts.join(separator);
}

/** Hex of a 16-bit status word, as "6A82". */
export function swHex(sw: number): string {
  return sw.toString(16).toUpperCase().padStart(4, '0');
}
