/**
 * Status words of ISO 7816-4 (5.1.3, formerly 5.6): what they mean, which of the four
 * groups they fall in, and the `X`-nibble patterns the steps compare them with.
 * Pure code: no I/O.
 */
import { HarnessCodes, HarnessError } from '../errors.js';
import { forEachDigit, hexByte, swHex } from './hex.js';

/** The four ISO 7816-4 groups; proprietary words (9XXX but 9000) belong to none. */
export type StatusWordGroup = 'normal' | 'warning' | 'execution-error' | 'checking-error';

/**
 * The words a status word is read with, in one language. The English table below is the
 * source; a translation (src/i18n/) covers the same codes.
 */
export interface StatusWordTexts {
  /** Exact meanings of the fixed status words, keyed by the whole SW1-SW2. */
  exact: ReadonlyMap<number, string>;
  /** What a whole SW1 means, for SW2 values the standard leaves undefined. */
  sw1: ReadonlyMap<number, string>;
  /** 61XX; `count` already reads 00 as 256. */
  moreBytes(count: number): string;
  /** 6CXX. */
  wrongLe(count: number): string;
  /** 63CX. */
  triesLeft(tries: number): string;
  /** 6202-6280, 6402-6480; `sw2` as 2 hex digits. */
  triggering(sw2: string): string;
  /** An SW2 the standard leaves undefined under a known SW1. */
  undefinedSw2(family: string, sw2: string): string;
  proprietary(sw: string): string;
  unknown(sw: string): string;
}

/** Exact meanings of the fixed status words, keyed by the whole SW1-SW2. */
const EXACT: ReadonlyMap<number, string> = new Map([
  [0x9000, 'success'],
  // 62XX: warning, non-volatile memory unchanged.
  [0x6200, 'warning: no information given (memory unchanged)'],
  [0x6281, 'part of returned data may be corrupted'],
  [0x6282, 'end of file reached before Le bytes'],
  [0x6283, 'selected file deactivated'],
  [0x6284, 'file control information not formatted according to ISO 7816-4'],
  [0x6285, 'selected file in termination state'],
  [0x6286, 'no input data available from a sensor on the card'],
  // 63XX: warning, non-volatile memory changed.
  [0x6300, 'warning: no information given (memory changed)'],
  [0x6381, 'file filled up by the last write'],
  // 64XX: execution error, non-volatile memory unchanged.
  [0x6400, 'execution error (memory unchanged)'],
  [0x6401, 'immediate response required by the card'],
  // 65XX: execution error, non-volatile memory changed.
  [0x6500, 'execution error: no information given (memory changed)'],
  [0x6581, 'memory failure'],
  // 67XX, 68XX: checking errors about length and CLA.
  [0x6700, 'wrong length'],
  [0x6800, 'function in CLA not supported'],
  [0x6881, 'logical channel not supported'],
  [0x6882, 'secure messaging not supported'],
  [0x6883, 'last command of the chain expected'],
  [0x6884, 'command chaining not supported'],
  // 69XX: command not allowed.
  [0x6900, 'command not allowed'],
  [0x6981, 'command incompatible with file structure'],
  [0x6982, 'security status not satisfied'],
  [0x6983, 'authentication method blocked'],
  [0x6984, 'reference data not usable'],
  [0x6985, 'conditions of use not satisfied'],
  [0x6986, 'command not allowed (no current EF)'],
  [0x6987, 'expected secure messaging data objects missing'],
  [0x6988, 'incorrect secure messaging data objects'],
  // 6AXX: wrong parameters P1-P2 with details.
  [0x6a00, 'wrong parameters P1-P2'],
  [0x6a80, 'incorrect parameters in the command data field'],
  [0x6a81, 'function not supported'],
  [0x6a82, 'file or application not found'],
  [0x6a83, 'record not found'],
  [0x6a84, 'not enough memory space in the file'],
  [0x6a85, 'Nc inconsistent with TLV structure'],
  [0x6a86, 'incorrect parameters P1-P2'],
  [0x6a87, 'Nc inconsistent with parameters P1-P2'],
  [0x6a88, 'referenced data or reference data not found'],
  [0x6a89, 'file already exists'],
  [0x6a8a, 'DF name already exists'],
  [0x6b00, 'wrong parameters P1-P2'],
  [0x6d00, 'instruction not supported'],
  [0x6e00, 'class not supported'],
  [0x6f00, 'no precise diagnosis'],
]);

/** What a whole SW1 means, for SW2 values the standard leaves undefined. */
const SW1_MEANING: ReadonlyMap<number, string> = new Map([
  [0x62, 'warning (memory unchanged)'],
  [0x63, 'warning (memory changed)'],
  [0x64, 'execution error (memory unchanged)'],
  [0x65, 'execution error (memory changed)'],
  [0x66, 'security-related issue'],
  [0x67, 'wrong length'],
  [0x68, 'function in CLA not supported'],
  [0x69, 'command not allowed'],
  [0x6a, 'wrong parameters P1-P2'],
  [0x6b, 'wrong parameters P1-P2'],
  [0x6d, 'instruction not supported'],
  [0x6e, 'class not supported'],
  [0x6f, 'no precise diagnosis'],
]);

function checkStatusWord(sw: number): void {
  if (!Number.isInteger(sw) || sw < 0 || sw > 0xffff) throw new RangeError(`${sw} is not a 16-bit status word`);
}

/** Byte counts in SW2 (61XX, 6CXX): 00 stands for 256, as Le = 00 does. */
function byteCount(sw2: number): number {
  return sw2 === 0 ? 256 : sw2;
}

/** The status words in English: the source of every translation. */
export const ENGLISH_STATUS_WORDS: StatusWordTexts = {
  exact: EXACT,
  sw1: SW1_MEANING,
  moreBytes: (count) => `${count} more bytes available (GET RESPONSE)`,
  wrongLe: (count) => `wrong Le: ${count} bytes available`,
  triesLeft: (tries) => `verification failed, ${tries} ${tries === 1 ? 'try' : 'tries'} left`,
  triggering: (sw2) => `triggering by the card (SW2 = ${sw2})`,
  undefinedSw2: (family, sw2) => `${family} (SW2 ${sw2} not defined by ISO 7816-4)`,
  proprietary: (sw) => `proprietary status word ${sw}`,
  unknown: (sw) => `unknown status word ${sw} (not defined by ISO 7816-4)`,
};

/** Meanings that carry a number in SW2 (or its low nibble), so no table can hold them. */
function describeParameterised(sw1: number, sw2: number, texts: StatusWordTexts): string | undefined {
  if (sw1 === 0x61) return texts.moreBytes(byteCount(sw2));
  if (sw1 === 0x6c) return texts.wrongLe(byteCount(sw2));
  if (sw1 === 0x63 && (sw2 & 0xf0) === 0xc0) return texts.triesLeft(sw2 & 0x0f);
  // ISO 7816-4 reserves 6202-6280 and 6402-6480 for queries the card triggers (8.6.1).
  if ((sw1 === 0x62 || sw1 === 0x64) && sw2 >= 0x02 && sw2 <= 0x80) return texts.triggering(hexByte(sw2));
  return undefined;
}

/**
 * A person's reading of a status word, e.g. 0x6A82 → "file or application not found", in
 * English unless other texts are given.
 */
export function describeStatusWord(sw: number, texts: StatusWordTexts = ENGLISH_STATUS_WORDS): string {
  checkStatusWord(sw);
  const exact = texts.exact.get(sw);
  if (exact !== undefined) return exact;
  const sw1 = sw >> 8;
  const sw2 = sw & 0xff;
  const parameterised = describeParameterised(sw1, sw2, texts);
  if (parameterised !== undefined) return parameterised;
  const family = texts.sw1.get(sw1);
  if (family !== undefined) return texts.undefinedSw2(family, hexByte(sw2));
  if (sw1 >= 0x90 && sw1 <= 0x9f) return texts.proprietary(swHex(sw));
  return texts.unknown(swHex(sw));
}

/** Whether a byte can be SW1 of a status word: 6X or 9X (ISO 7816-4 5.1.3; 60 is a procedure byte, which callers that care refuse too). */
export function isStatusWordSw1(sw1: number): boolean {
  return (sw1 & 0xf0) === 0x60 || (sw1 & 0xf0) === 0x90;
}

/** The ISO 7816-4 group of a status word, or undefined for proprietary and invalid ones. */
export function statusWordGroup(sw: number): StatusWordGroup | undefined {
  checkStatusWord(sw);
  const sw1 = sw >> 8;
  if (sw === 0x9000 || sw1 === 0x61) return 'normal';
  if (sw1 === 0x62 || sw1 === 0x63) return 'warning';
  if (sw1 >= 0x64 && sw1 <= 0x66) return 'execution-error';
  if (sw1 >= 0x67 && sw1 <= 0x6f) return 'checking-error';
  return undefined;
}


/** A status word pattern: `sw` matches when `(sw & mask) === value`. */
export interface StatusWordPattern {
  value: number;
  /** 0xF for every nibble written as a hex digit, 0 for every `X`. */
  mask: number;
  /** The pattern as written, for messages. */
  text: string;
}

/** A malformed status word pattern; `column` is 1-based, as for hex. */
export class StatusWordPatternError extends HarnessError {
  readonly text: string;
  readonly column: number;

  constructor(text: string, column: number, reason: string) {
    super(HarnessCodes.BAD_HEX, `bad status word pattern "${text}": ${reason}`);
    this.text = text;
    this.column = column;
  }
}

/** The nibble a pattern character stands for: a value, 'any', or undefined if invalid. */
function nibbleOf(ch: string): number | 'any' | undefined {
  if (ch === 'X' || ch === 'x') return 'any';
  return /^[0-9a-fA-F]$/.test(ch) ? parseInt(ch, 16) : undefined;
}

/**
 * Reads "63CX", "9000" or "90 00" (separators as for hex, between whole bytes only, so a
 * stray half byte is caught rather than silently shifting the nibbles).
 */
export function parseStatusWordPattern(text: string): StatusWordPattern {
  let value = 0;
  let mask = 0;
  let nibbles = 0;
  forEachDigit(
    text,
    (ch, i) => {
      const nibble = nibbleOf(ch);
      if (nibble === undefined) throw new StatusWordPatternError(text, i + 1, `'${ch}' at column ${i + 1}`);
      if (nibbles === 4) throw new StatusWordPatternError(text, i + 1, `'${ch}' at column ${i + 1} is a fifth digit; a status word has 4`);
      value = (value << 4) | (nibble === 'any' ? 0 : nibble);
      mask = (mask << 4) | (nibble === 'any' ? 0 : 0xf);
      nibbles++;
    },
    (column, ch) => {
      throw new StatusWordPatternError(text, column, `'${ch}' at column ${column} is half a byte`);
    },
  );
  if (nibbles < 4) {
    throw new StatusWordPatternError(text, text.length + 1, `${nibbles} digit(s); a status word has 4`);
  }
  return { value, mask, text };
}

/** Whether `sw` matches the pattern (given as text or already parsed). */
export function matchesStatusWord(pattern: string | StatusWordPattern, sw: number): boolean {
  checkStatusWord(sw);
  const p = typeof pattern === 'string' ? parseStatusWordPattern(pattern) : pattern;
  return (sw & p.mask) === p.value;
}
