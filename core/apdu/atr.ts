/**
 * Answer-to-Reset parsing (ISO 7816-3, 8.2): the structure TS T0 {TAi TBi TCi TDi}
 * historical bytes [TCK], the protocols the card offers and a short human description
 * in the spirit of pcsc_scan. Pure code: no I/O.
 */
import { HarnessCodes, HarnessError } from '../errors.js';
import { hexByte, toHex } from './hex.js';

/**
 * One group of interface bytes; `index` is the i of TAi..TDi (1-based, as in ISO 7816-3).
 * There is one group per Y nibble (T0's, then each TDi's), so a TDi whose high nibble is 0
 * still yields an empty group i+1.
 */
export interface AtrInterfaceGroup {
  index: number;
  ta?: number;
  tb?: number;
  tc?: number;
  td?: number;
}

export interface Atr {
  /** The whole ATR as given. */
  bytes: Buffer;
  /** 0x3B (direct convention) or 0x3F (inverse convention). */
  ts: number;
  convention: 'direct' | 'inverse';
  t0: number;
  /** K, the number of historical bytes (low nibble of T0). */
  historicalCount: number;
  interfaceGroups: AtrInterfaceGroup[];
  /** Protocols named by TDi bytes, in order of first mention, T=15 left out; [0] without TD1. */
  protocols: number[];
  historical: Buffer;
  /** Present iff some TDi names a protocol other than T=0. */
  tck?: number;
  /** Whether T0 ^ ... ^ TCK is 0; set only when TCK is present. */
  tckValid?: boolean;
  /** Clock rate conversion factor from TA1 (undefined when TA1 is absent or holds an RFU value). */
  fi?: number;
  /** Baud rate adjustment factor from TA1 (undefined when TA1 is absent or holds an RFU value). */
  di?: number;
  /** Maximum clock frequency from TA1, in MHz. */
  fMaxMHz?: number;
}

/** ISO 7816-3 allows TS plus at most 32 bytes. */
export const ATR_MAX_LENGTH = 33;

const TS_DIRECT = 0x3b;
const TS_INVERSE = 0x3f;
/** T=15 is not a protocol: a TDi naming it introduces global interface bytes. */
const T_GLOBAL = 15;

/** Fi and f(max) indexed by the high nibble of TA1 (ISO 7816-3 table 7); undefined = RFU. */
const FI_TABLE: readonly (readonly [number, number] | undefined)[] = [
  [372, 4], [372, 5], [558, 6], [744, 8], [1116, 12], [1488, 16], [1860, 20], undefined,
  undefined, [512, 5], [768, 7.5], [1024, 10], [1536, 15], [2048, 20], undefined, undefined,
];
/** Di indexed by the low nibble of TA1 (ISO 7816-3 table 8); undefined = RFU. */
const DI_TABLE: readonly (number | undefined)[] = [
  undefined, 1, 2, 4, 8, 16, 32, 64, 12, 20, undefined, undefined, undefined, undefined, undefined, undefined,
];

function atrError(bytes: Uint8Array, reason: string): HarnessError {
  return new HarnessError(HarnessCodes.BAD_ATR, `bad ATR "${toHex(bytes)}": ${reason}`);
}

/** Reads bytes in order, naming the missing one (1-based position) when the ATR ends early. */
class AtrReader {
  pos = 0;
  constructor(readonly bytes: Uint8Array) {}

  next(name: string): number {
    const b = this.bytes[this.pos];
    if (b === undefined) {
      throw atrError(this.bytes, `byte ${this.pos + 1} (${name}) is missing; the ATR ends after ${this.bytes.length} byte(s)`);
    }
    this.pos++;
    return b;
  }
}

/** Each interface byte and its presence bit in the Y nibble (high nibble of T0 or TDi). */
const INTERFACE_BYTES = [
  ['ta', 0x1],
  ['tb', 0x2],
  ['tc', 0x4],
  ['td', 0x8],
] as const;

/** Reads the interface byte groups, each announced by the high nibble of T0 or of the TDi before it. */
function readInterfaceGroups(reader: AtrReader, t0: number): AtrInterfaceGroup[] {
  const groups: AtrInterfaceGroup[] = [];
  let presence = t0 >> 4;
  for (let index = 1; ; index++) {
    const group: AtrInterfaceGroup = { index };
    for (const [key, bit] of INTERFACE_BYTES) {
      if (presence & bit) group[key] = reader.next(`${key.toUpperCase()}${index}`);
    }
    groups.push(group);
    if (group.td === undefined) return groups;
    presence = group.td >> 4;
  }
}

function offeredProtocols(groups: AtrInterfaceGroup[]): number[] {
  const named = groups.flatMap((g) => (g.td === undefined ? [] : [g.td & 0x0f]));
  // ISO 7816-3 8.2.3: without TD1 the card offers T=0 only.
  if (named.length === 0) return [0];
  return [...new Set(named.filter((t) => t !== T_GLOBAL))];
}

/** TCK is present unless T=0 is the only protocol indicated (ISO 7816-3 8.2.5). */
function hasTck(groups: AtrInterfaceGroup[]): boolean {
  return groups.some((g) => g.td !== undefined && (g.td & 0x0f) !== 0);
}

function xorFromT0(bytes: Uint8Array): number {
  return bytes.subarray(1).reduce((acc, b) => acc ^ b, 0);
}

function clockFactors(ta1: number | undefined): Pick<Atr, 'fi' | 'di' | 'fMaxMHz'> {
  if (ta1 === undefined) return {};
  const fi = FI_TABLE[ta1 >> 4];
  const di = DI_TABLE[ta1 & 0x0f];
  return { fi: fi?.[0], fMaxMHz: fi?.[1], di };
}

/** Parses an ATR; a wrong TS, a missing byte or a byte too many is a BAD_ATR error. */
export function parseAtr(bytes: Uint8Array): Atr {
  const reader = new AtrReader(bytes);
  const ts = reader.next('TS');
  if (ts !== TS_DIRECT && ts !== TS_INVERSE) {
    throw atrError(bytes, `byte 1 (TS) is ${hexByte(ts)}, not 3B (direct) or 3F (inverse convention)`);
  }
  const t0 = reader.next('T0');
  const interfaceGroups = readInterfaceGroups(reader, t0);
  const historicalCount = t0 & 0x0f;
  for (let j = 1; j <= historicalCount; j++) reader.next(`historical byte ${j} of ${historicalCount}`);
  const historical = Buffer.from(bytes.subarray(reader.pos - historicalCount, reader.pos));
  const tck = hasTck(interfaceGroups) ? reader.next('TCK') : undefined;
  if (reader.pos < bytes.length) {
    throw atrError(bytes, `byte ${reader.pos + 1} is extra; the ATR should end after ${reader.pos} bytes`);
  }
  if (bytes.length > ATR_MAX_LENGTH) {
    throw atrError(bytes, `byte ${ATR_MAX_LENGTH + 1} is extra; an ATR has at most ${ATR_MAX_LENGTH} bytes`);
  }
  const atr: Atr = {
    bytes: Buffer.from(bytes),
    ts,
    convention: ts === TS_DIRECT ? 'direct' : 'inverse',
    t0,
    historicalCount,
    interfaceGroups,
    protocols: offeredProtocols(interfaceGroups),
    historical,
    ...clockFactors(interfaceGroups[0]?.ta),
  };
  if (tck !== undefined) {
    atr.tck = tck;
    atr.tckValid = xorFromT0(bytes) === 0;
  }
  return atr;
}

/** Whether the ATR offers protocol T=`t` (a TDi names it, or no TD1 and t = 0). */
export function atrOffersProtocol(atr: Atr, t: number): boolean {
  return atr.protocols.includes(t);
}

const MIN_TEXT_RUN = 3;

function isPrintable(b: number): boolean {
  return b >= 0x20 && b <= 0x7e;
}

/** Whether some MIN_TEXT_RUN printable bytes run together. */
function hasTextRun(bytes: Uint8Array): boolean {
  let run = 0;
  for (const b of bytes) {
    run = isPrintable(b) ? run + 1 : 0;
    if (run >= MIN_TEXT_RUN) return true;
  }
  return false;
}

/**
 * The ASCII of bytes, '.' for the unprintable; undefined when no text runs through them,
 * since a lone printable byte (a tag that happens to be 'C') is noise, not text.
 */
function asciiOf(bytes: Uint8Array): string | undefined {
  if (!hasTextRun(bytes)) return undefined;
  return [...bytes].map((b) => (isPrintable(b) ? String.fromCharCode(b) : '.')).join('');
}

function describeInterfaceBytes(groups: AtrInterfaceGroup[]): string {
  const parts = groups.flatMap((g) =>
    INTERFACE_BYTES.flatMap(([key]) => {
      const v = g[key];
      return v === undefined ? [] : [`${key.toUpperCase()}${g.index}=${hexByte(v)}`];
    }),
  );
  return parts.length === 0 ? 'Interface bytes: none' : `Interface bytes: ${parts.join(' ')}`;
}

function describeClock(atr: Atr): string {
  const ta1 = atr.interfaceGroups[0]?.ta;
  if (ta1 === undefined) return 'No TA1: default Fi = 372, Di = 1';
  const fi = atr.fi === undefined ? 'RFU' : `${atr.fi}`;
  const di = atr.di === undefined ? 'RFU' : `${atr.di}`;
  const fMax = atr.fMaxMHz === undefined ? '' : `, f max = ${atr.fMaxMHz} MHz`;
  return `TA1 = ${hexByte(ta1)}: Fi = ${fi}, Di = ${di}${fMax}`;
}

function describeHistorical(historical: Buffer): string {
  if (historical.length === 0) return 'Historical bytes: none';
  const ascii = asciiOf(historical);
  return `Historical bytes (${historical.length}): ${toHex(historical)}${ascii === undefined ? '' : ` "${ascii}"`}`;
}

function describeTck(atr: Atr): string {
  if (atr.tck === undefined) return 'TCK: absent (T=0 only)';
  return `TCK: ${hexByte(atr.tck)} (${atr.tckValid ? 'correct' : 'WRONG: T0..TCK do not XOR to 00'})`;
}

/** A few lines for people, like pcsc_scan's ATR analysis. */
export function describeAtr(atr: Atr): string[] {
  return [
    `ATR: ${toHex(atr.bytes)}`,
    `Convention: ${atr.convention} (TS = ${hexByte(atr.ts)})`,
    `Protocols: ${atr.protocols.map((t) => `T=${t}`).join(', ')}`,
    describeInterfaceBytes(atr.interfaceGroups),
    describeClock(atr),
    describeHistorical(atr.historical),
    describeTck(atr),
  ];
}
