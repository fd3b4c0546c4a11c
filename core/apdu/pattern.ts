import { HEX_SEPARATORS, HexError, hexByte } from './hex.js';

/**
 * Byte patterns of the step vocabulary: hex bytes, `XX` or `..` for any byte, and a final
 * `*` for any tail (empty included). Without `*` the pattern must match the whole length.
 */
export interface BytePattern {
  /** One entry per byte; undefined matches any byte. */
  bytes: (number | undefined)[];
  /** Whether a final `*` lets any tail follow. */
  openEnded: boolean;
  /** The pattern as written, for messages. */
  text: string;
}

const WILDCARDS = new Set(['XX', 'xx', '..']);

export function parseBytePattern(text: string): BytePattern {
  const bytes: (number | undefined)[] = [];
  let openEnded = false;
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (HEX_SEPARATORS.has(ch)) {
      i++;
      continue;
    }
    if (openEnded) throw new HexError(text, i + 1, `'${ch}' at column ${i + 1} follows the final '*'`);
    if (ch === '*') {
      openEnded = true;
      i++;
      continue;
    }
    const pair = text.slice(i, i + 2);
    if (WILDCARDS.has(pair)) {
      bytes.push(undefined);
    } else if (/^[0-9a-fA-F]{2}$/.test(pair)) {
      bytes.push(parseInt(pair, 16));
    } else {
      const bad = /^[0-9a-fA-F]$/.test(ch) ? i + 1 : i;
      const badChar = text[bad];
      if (badChar === undefined || HEX_SEPARATORS.has(badChar) || badChar === '*') {
        throw new HexError(text, bad, `'${ch}' at column ${i + 1} is half a byte`);
      }
      throw new HexError(text, bad + 1, `'${badChar}' at column ${bad + 1}`);
    }
    i += 2;
  }
  return { bytes, openEnded, text };
}

/** Whether `data` matches the pattern. */
export function matchesBytePattern(pattern: BytePattern, data: Uint8Array): boolean {
  if (pattern.openEnded ? data.length < pattern.bytes.length : data.length !== pattern.bytes.length) return false;
  return pattern.bytes.every((b, i) => b === undefined || b === data[i]);
}

/**
 * Where the data departs from the pattern, in words, with the 1-based byte position: the
 * message a failed step shows next to both byte strings.
 */
export function explainMismatch(pattern: BytePattern, data: Uint8Array): string {
  for (let i = 0; i < pattern.bytes.length; i++) {
    const want = pattern.bytes[i];
    const got = data[i];
    if (got === undefined) return `the data ends after ${data.length} bytes; the pattern wants ${pattern.bytes.length}${pattern.openEnded ? ' or more' : ''}`;
    if (want !== undefined && want !== got) {
      return `byte ${i + 1} is ${hexByte(got)}, expected ${hexByte(want)}`;
    }
  }
  if (!pattern.openEnded && data.length > pattern.bytes.length) {
    return `the data has ${data.length - pattern.bytes.length} more byte(s) than the ${pattern.bytes.length} expected`;
  }
  return 'the data matches';
}
