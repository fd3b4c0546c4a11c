/**
 * BER-TLV as ISO 7816-4 (5.2) uses it, a subset of X.690: tags of up to 4 bytes, definite
 * lengths in short form or 81..84, and 00/FF padding between objects. parseTlv and
 * findTag serve the tag steps (a tag in response data); encodeTlv builds the simulator's
 * FCI and FCP templates (simulator/card/fci.ts). DER for the crypto code is
 * src/crypto/der.ts. Pure code: no I/O.
 */
import { HarnessCodes, HarnessError } from '../errors.js';
import { hexByte, parseHex, toHex } from './hex.js';

export interface TlvNode {
  /** The tag bytes packed big-endian: 0x84, 0x5F2D, 0x7F4901... */
  tag: number;
  /** The tag bytes as upper-case hex without spaces: "84", "5F2D". */
  tagHex: string;
  /** Bit 6 of the first tag byte: the value is itself BER-TLV. */
  constructed: boolean;
  length: number;
  value: Buffer;
  /** The objects inside a constructed value (padding skipped). */
  children?: TlvNode[];
  /** 0-based offset of the first tag byte in the data given to parseTlv. */
  offset: number;
}

/**
 * Data that is not BER-TLV. `position` is 1-based, like the columns in hex errors, and
 * counts from the start of the data given to parseTlv, even for nested objects.
 */
export class TlvError extends HarnessError {
  readonly position: number;

  constructor(position: number, reason: string) {
    super(HarnessCodes.BAD_TLV, `data is not BER-TLV at byte position ${position}: ${reason}`);
    this.position = position;
  }
}

/** ISO 7816-4 needs at most 3 tag bytes; 4 still pack exactly into a JS number. */
const MAX_TAG_BYTES = 4;
/** Lengths 81..84 carry 1 to 4 length bytes. */
const MAX_LENGTH_BYTES = 4;
/** Guards the recursion against hostile data of nothing but nested headers. */
const MAX_DEPTH = 64;
const INDEFINITE_LENGTH = 0x80;

/** ISO 7816-4 5.2.2.1: '00' and 'FF' may stand before, between and after objects. */
function isPadding(b: number): boolean {
  return b === 0x00 || b === 0xff;
}

interface Parsed<T> {
  value: T;
  next: number;
}

/** Reads a tag starting at `at`: low 5 bits 11111 mean more bytes follow, each while bit 8 is set. */
function readTag(data: Buffer, at: number, base: number): Parsed<number> {
  const first = data[at]!;
  let tag = first;
  let pos = at + 1;
  if ((first & 0x1f) !== 0x1f) return { value: tag, next: pos };
  for (;;) {
    if (pos - at + 1 > MAX_TAG_BYTES) throw new TlvError(base + at + 1, `tag longer than ${MAX_TAG_BYTES} bytes`);
    const b = data[pos];
    if (b === undefined) throw new TlvError(base + pos + 1, `tag ${toHex(data.subarray(at, pos), '')} is cut short`);
    // Multiplication rather than << keeps a 4-byte tag positive.
    tag = tag * 256 + b;
    pos++;
    if ((b & 0x80) === 0) return { value: tag, next: pos };
  }
}

/** Reads a definite length: short form below 80, else 81..84 followed by 1..4 bytes. */
function readLength(data: Buffer, at: number, base: number): Parsed<number> {
  const first = data[at];
  if (first === undefined) throw new TlvError(base + at + 1, 'length missing');
  if (first < 0x80) return { value: first, next: at + 1 };
  if (first === INDEFINITE_LENGTH) throw new TlvError(base + at + 1, 'indefinite length (80) not allowed');
  const count = first & 0x7f;
  if (count > MAX_LENGTH_BYTES) throw new TlvError(base + at + 1, `length byte ${hexByte(first)} not supported (81 to 84 are)`);
  if (at + 1 + count > data.length) throw new TlvError(base + data.length + 1, `length ${hexByte(first)} needs ${count} more byte(s) but the data ends`);
  return { value: data.readUIntBE(at + 1, count), next: at + 1 + count };
}

function tagHexOf(tag: number): string {
  const hex = tag.toString(16).toUpperCase();
  return hex.length % 2 === 0 ? hex : `0${hex}`;
}

/** Parses one object at `at` (a tag byte, not padding); `base` maps offsets back to the caller's data. */
function readNode(data: Buffer, at: number, base: number, depth: number): Parsed<TlvNode> {
  const tag = readTag(data, at, base);
  const length = readLength(data, tag.next, base);
  const end = length.next + length.value;
  if (end > data.length) {
    const left = data.length - length.next;
    throw new TlvError(base + at + 1, `tag ${tagHexOf(tag.value)} says ${length.value} value bytes but only ${left} follow`);
  }
  const node: TlvNode = {
    tag: tag.value,
    tagHex: tagHexOf(tag.value),
    constructed: (data[at]! & 0x20) !== 0,
    length: length.value,
    value: data.subarray(length.next, end),
    offset: base + at,
  };
  if (node.constructed) node.children = parseLevel(node.value, base + length.next, depth + 1);
  return { value: node, next: end };
}

function parseLevel(data: Buffer, base: number, depth: number): TlvNode[] {
  if (depth > MAX_DEPTH) throw new TlvError(base + 1, `objects nested deeper than ${MAX_DEPTH} levels`);
  const nodes: TlvNode[] = [];
  let pos = 0;
  while (pos < data.length) {
    if (isPadding(data[pos]!)) {
      pos++;
      continue;
    }
    const parsed = readNode(data, pos, base, depth);
    nodes.push(parsed.value);
    pos = parsed.next;
  }
  return nodes;
}

/** Parses BER-TLV data into a tree; anything else is a TlvError (code BAD_TLV). */
export function parseTlv(data: Uint8Array): TlvNode[] {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return parseLevel(buf, 0, 0);
}

/** Normalises a tag written as hex ("5F 2D", "5f2d") and checks it is exactly one whole tag. */
function normaliseTag(tagHex: string): string {
  const bytes = parseHex(tagHex);
  if (bytes.length === 0 || isPadding(bytes[0]!)) {
    throw new HarnessError(HarnessCodes.BAD_TLV, `"${tagHex}" is not a BER-TLV tag`);
  }
  let end: number;
  try {
    end = readTag(bytes, 0, 0).next;
  } catch {
    throw new HarnessError(HarnessCodes.BAD_TLV, `"${tagHex}" is not a whole BER-TLV tag: more tag bytes should follow`);
  }
  if (end !== bytes.length) {
    throw new HarnessError(HarnessCodes.BAD_TLV, `"${tagHex}" is not one BER-TLV tag: it ends after ${end} byte(s)`);
  }
  return toHex(bytes, '');
}

function findIn(nodes: readonly TlvNode[], tagHex: string): TlvNode | undefined {
  for (const node of nodes) {
    if (node.tagHex === tagHex) return node;
    const inner = node.children === undefined ? undefined : findIn(node.children, tagHex);
    if (inner !== undefined) return inner;
  }
  return undefined;
}

/**
 * The first object with the tag in depth-first order, at any depth (a constructed
 * object is checked before its children, its children before its next sibling).
 * Raw data is parsed first, so data that is not BER-TLV throws TlvError.
 */
export function findTag(input: readonly TlvNode[] | Uint8Array, tagHex: string): TlvNode | undefined {
  const wanted = normaliseTag(tagHex);
  const nodes = input instanceof Uint8Array ? parseTlv(input) : input;
  return findIn(nodes, wanted);
}

function tagBytes(tag: number): Buffer {
  if (!Number.isSafeInteger(tag) || tag <= 0 || tag > 0xffffffff) throw new RangeError(`${tag} is not a BER-TLV tag`);
  const bytes: number[] = [];
  for (let t = tag; t > 0; t = Math.floor(t / 256)) bytes.unshift(t % 256);
  return Buffer.from(bytes);
}

/** The minimal definite length: short form below 128, else 81..84 and as few bytes as fit. */
function lengthBytes(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  let count = 1;
  while (count < MAX_LENGTH_BYTES && length >= 2 ** (8 * count)) count++;
  if (length >= 2 ** (8 * count)) throw new RangeError(`length ${length} does not fit in ${MAX_LENGTH_BYTES} bytes`);
  const out = Buffer.alloc(1 + count);
  out[0] = 0x80 | count;
  out.writeUIntBE(length, 1, count);
  return out;
}

/**
 * Encodes one object. `tag` is the tag bytes packed big-endian (0x5F2D); a list of values
 * is concatenated, which builds constructed objects from encoded children.
 */
export function encodeTlv(tag: number, value: Uint8Array | readonly Uint8Array[]): Buffer {
  const tb = tagBytes(tag);
  // Round-trip through the reader so a malformed tag (0x5F alone, 0x1F80) is refused here, not by the reader of the output.
  if (isPadding(tb[0]!) || safeTagEnd(tb) !== tb.length) throw new RangeError(`${tagHexOf(tag)} is not a well-formed BER-TLV tag`);
  const body = value instanceof Uint8Array ? value : Buffer.concat(value);
  return Buffer.concat([tb, lengthBytes(body.length), body]);
}

function safeTagEnd(bytes: Buffer): number | undefined {
  try {
    return readTag(bytes, 0, 0).next;
  } catch {
    return undefined;
  }
}
