/**
 * Properties of the parsers every step goes through (hex, APDU, BER-TLV, ATR, byte and
 * status-word patterns), checked with fast-check on generated input: what is encoded
 * parses back to itself, and any input either parses or fails with the parser's own
 * harness error (a code and a position), never with another exception.
 */
import fc from 'fast-check';
import { encodeCommand, encodeResponse, parseCommand, parseResponse, type CommandApdu } from '../../core/apdu/apdu.js';
import { parseAtr } from '../../core/apdu/atr.js';
import { parseHex, toHex } from '../../core/apdu/hex.js';
import { matchesBytePattern, parseBytePattern } from '../../core/apdu/pattern.js';
import { matchesStatusWord, parseStatusWordPattern } from '../../core/apdu/status.js';
import { encodeTlv, parseTlv } from '../../core/apdu/tlv.js';
import { HarnessError } from '../../core/errors.js';

export interface NamedProperty {
  name: string;
  property: fc.IProperty<never> | fc.IProperty<unknown[]>;
}

/** Runs `parse`; a HarnessError with one of `codes` is an allowed refusal, anything else is a bug. */
function parsesOrRefuses(parse: () => unknown, codes: readonly string[]): boolean {
  try {
    parse();
    return true;
  } catch (error) {
    if (error instanceof HarnessError && codes.includes(error.code)) return true;
    throw error;
  }
}

const bytes = (maxLength = 300) => fc.uint8Array({ maxLength }).map((b) => Buffer.from(b));
/** Text made of what hex and patterns are written with, and a little of everything else. */
const hexishText = fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEFXx.* :\tG\n-'.split('')), maxLength: 40 });
const anyText = fc.oneof(hexishText, fc.string({ maxLength: 40 }));

const commandApdu: fc.Arbitrary<CommandApdu> = fc
  .record({
    cla: fc.integer({ min: 0, max: 255 }),
    ins: fc.integer({ min: 0, max: 255 }),
    p1: fc.integer({ min: 0, max: 255 }),
    p2: fc.integer({ min: 0, max: 255 }),
    data: fc.oneof(bytes(255), bytes(600)),
    ne: fc.option(fc.oneof(fc.integer({ min: 1, max: 256 }), fc.integer({ min: 1, max: 65536 })), { nil: undefined }),
  })
  .map((c) => ({ ...c, extended: c.data.length > 255 || (c.ne ?? 0) > 256 }));

/**
 * Primitive tags that are well-formed BER-TLV (one byte, or 5F xx / 9F xx two-byte tags):
 * a constructed tag's value must itself be BER-TLV, which random bytes are not.
 */
const tag = fc.oneof(
  fc.integer({ min: 1, max: 0xfe }).filter((t) => (t & 0x1f) !== 0x1f && (t & 0x20) === 0),
  fc.integer({ min: 0x1f, max: 0x7f }).map((second) => (0x5f << 8) | second),
  fc.integer({ min: 0x1f, max: 0x7f }).map((second) => (0x9f << 8) | second),
);

export const PROPERTIES: NamedProperty[] = [
  { name: 'hex: toHex then parseHex gives the bytes back, with any separator', property: fc.property(bytes(), fc.constantFrom(' ', '', ':'), (b, sep) => parseHex(toHex(b, sep)).equals(b)) },
  { name: 'hex: any text parses or fails with CARDSPEC_BAD_HEX', property: fc.property(anyText, (text) => parsesOrRefuses(() => parseHex(text), ['CARDSPEC_BAD_HEX'])) },
  {
    name: 'APDU: encodeCommand then parseCommand gives the command back (all four cases, short and extended)',
    property: fc.property(commandApdu, (c) => {
      const parsed = parseCommand(encodeCommand(c));
      return parsed.cla === c.cla && parsed.ins === c.ins && parsed.p1 === c.p1 && parsed.p2 === c.p2 && parsed.data.equals(c.data) && parsed.ne === c.ne;
    }),
  },
  {
    name: 'APDU: any bytes parse as a command or fail with ApduFormatError',
    // ApduFormatError is the HarnessError of code CARDSPEC_BAD_APDU.
    property: fc.property(bytes(600), (b) => parsesOrRefuses(() => parseCommand(b), ['CARDSPEC_BAD_APDU'])),
  },
  {
    name: 'APDU: encodeResponse then parseResponse gives data and status word back',
    property: fc.property(bytes(), fc.integer({ min: 0, max: 0xffff }), (data, sw) => {
      const parsed = parseResponse(encodeResponse(data, sw));
      return parsed.data.equals(data) && parsed.sw === sw;
    }),
  },
  {
    name: 'TLV: encodeTlv then parseTlv gives tag and value back',
    property: fc.property(tag, bytes(400), (t, value) => {
      const [node, ...rest] = parseTlv(encodeTlv(t, value));
      return rest.length === 0 && node !== undefined && node.tag === t && !node.constructed && node.value.equals(value);
    }),
  },
  { name: 'TLV: any bytes parse or fail with CARDSPEC_BAD_TLV', property: fc.property(bytes(), (b) => parsesOrRefuses(() => parseTlv(b), ['CARDSPEC_BAD_TLV'])) },
  { name: 'ATR: any bytes parse or fail with CARDSPEC_BAD_ATR', property: fc.property(bytes(40), (b) => parsesOrRefuses(() => parseAtr(b), ['CARDSPEC_BAD_ATR'])) },
  {
    name: 'ATR: any bytes after 3B or 3F parse or fail with CARDSPEC_BAD_ATR',
    property: fc.property(fc.constantFrom(0x3b, 0x3f), bytes(34), (ts, rest) => parsesOrRefuses(() => parseAtr(Buffer.concat([Buffer.from([ts]), rest])), ['CARDSPEC_BAD_ATR'])),
  },
  { name: 'pattern: any text parses as a byte pattern or fails with CARDSPEC_BAD_HEX', property: fc.property(anyText, (text) => parsesOrRefuses(() => parseBytePattern(text), ['CARDSPEC_BAD_HEX'])) },
  {
    name: 'pattern: the hex of some bytes matches exactly them; with * any longer data starting with them',
    property: fc.property(bytes(64), bytes(8), (b, tail) => {
      const exact = parseBytePattern(toHex(b));
      const open = parseBytePattern(`${toHex(b)} *`);
      return (
        matchesBytePattern(exact, b) &&
        (tail.length === 0 || !matchesBytePattern(exact, Buffer.concat([b, tail]))) &&
        matchesBytePattern(open, Buffer.concat([b, tail]))
      );
    }),
  },
  {
    name: 'pattern: XX in any place matches any byte there',
    property: fc.property(bytes(32).filter((b) => b.length > 0), fc.nat(), fc.integer({ min: 0, max: 255 }), (b, at, other) => {
      const i = at % b.length;
      const text = [...b].map((byte, j) => (j === i ? 'XX' : byte.toString(16).padStart(2, '0'))).join(' ');
      const changed = Buffer.from(b);
      changed[i] = other;
      return matchesBytePattern(parseBytePattern(text), changed);
    }),
  },
  {
    name: 'status word: any text parses as a pattern or fails with a harness error; a status word matches its own hex',
    property: fc.property(anyText, fc.integer({ min: 0, max: 0xffff }), (text, sw) => {
      parsesOrRefuses(() => parseStatusWordPattern(text), ['CARDSPEC_BAD_HEX', 'CARDSPEC_BAD_USAGE']);
      const hex = sw.toString(16).toUpperCase().padStart(4, '0');
      return matchesStatusWord(hex, sw) && matchesStatusWord(`${hex.slice(0, 3)}X`, sw);
    }),
  },
];

/** Checks every property with `numRuns` inputs from `seed`; returns the failures' reports. */
export function checkProperties(numRuns: number, seed: number): { name: string; failure: string | undefined; ms: number }[] {
  return PROPERTIES.map(({ name, property }) => {
    const started = performance.now();
    const details = fc.check(property as fc.IProperty<unknown[]>, { numRuns, seed });
    const failure = details.failed ? (fc.defaultReportMessage(details) ?? 'failed') : undefined;
    return { name, failure, ms: performance.now() - started };
  });
}
