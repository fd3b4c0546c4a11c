/**
 * Command and response APDUs of ISO 7816-4 (5.1), all four cases, short and extended.
 * Pure codecs: no I/O. Used by the harness (to re-send with a corrected Le) and by the
 * simulator's card (to take a command apart).
 */
import { HarnessCodes, HarnessError } from '../errors.js';

/** A command APDU. `ne` is the number of bytes expected (Le decoded: short 00 = 256, extended 0000 = 65536). */
export interface CommandApdu {
  cla: number;
  ins: number;
  p1: number;
  p2: number;
  data: Buffer;
  /** Expected response length; undefined when the command has no Le field. */
  ne: number | undefined;
  /** Whether the Lc/Le fields are in the extended (3-byte / 2-byte) form. */
  extended: boolean;
}

export interface ResponseApdu {
  data: Buffer;
  sw: number;
}

export const SHORT_NE_MAX = 256;
export const EXTENDED_NE_MAX = 65536;

/** Why a byte string is not a well-formed command APDU (the card answers 6700). */
export class ApduFormatError extends HarnessError {
  constructor(message: string) {
    super(HarnessCodes.BAD_APDU, message);
  }
}

/** ISO 7816-4 case of a command: 1 (no data, no Le), 2 (Le), 3 (data), 4 (data and Le). */
export function apduCase(c: Pick<CommandApdu, 'data' | 'ne'>): 1 | 2 | 3 | 4 {
  if (c.data.length === 0) return c.ne === undefined ? 1 : 2;
  return c.ne === undefined ? 3 : 4;
}

/** Decodes a command APDU of any case, short or extended. */
export function parseCommand(bytes: Uint8Array): CommandApdu {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length < 4) throw new ApduFormatError(`a command APDU has at least 4 bytes, got ${b.length}`);
  const head = { cla: b[0]!, ins: b[1]!, p1: b[2]!, p2: b[3]! };
  const body = b.subarray(4);
  const empty = Buffer.alloc(0);
  if (body.length === 0) return { ...head, data: empty, ne: undefined, extended: false };
  if (body.length === 1) return { ...head, data: empty, ne: body[0] || SHORT_NE_MAX, extended: false };
  if (body[0] !== 0) {
    // Short Lc: case 3 or 4.
    const lc = body[0]!;
    if (body.length === 1 + lc) return { ...head, data: body.subarray(1), ne: undefined, extended: false };
    if (body.length === 2 + lc) {
      return { ...head, data: body.subarray(1, 1 + lc), ne: body[1 + lc] || SHORT_NE_MAX, extended: false };
    }
    throw new ApduFormatError(`Lc is ${lc} but ${body.length - 1} bytes follow it`);
  }
  // Extended: body starts with 00.
  if (body.length === 3) {
    const le = body.readUInt16BE(1);
    return { ...head, data: empty, ne: le || EXTENDED_NE_MAX, extended: true };
  }
  if (body.length < 3) throw new ApduFormatError(`a body of ${body.length} bytes starting with 00 is not a length field`);
  const lc = body.readUInt16BE(1);
  if (lc === 0) throw new ApduFormatError('extended Lc is 0');
  if (body.length === 3 + lc) return { ...head, data: body.subarray(3), ne: undefined, extended: true };
  if (body.length === 5 + lc) {
    const le = body.readUInt16BE(3 + lc);
    return { ...head, data: body.subarray(3, 3 + lc), ne: le || EXTENDED_NE_MAX, extended: true };
  }
  throw new ApduFormatError(`extended Lc is ${lc} but ${body.length - 3} bytes follow it`);
}

/** Encodes a command APDU; the extended form is used when asked or when a field needs it. */
export function encodeCommand(c: CommandApdu): Buffer {
  const extended = c.extended || c.data.length > 255 || (c.ne !== undefined && c.ne > SHORT_NE_MAX);
  if (c.data.length > 65535) throw new ApduFormatError(`data of ${c.data.length} bytes is too long for an APDU`);
  if (c.ne !== undefined && (c.ne < 1 || c.ne > EXTENDED_NE_MAX)) throw new ApduFormatError(`Ne ${c.ne} is out of range`);
  const parts: Buffer[] = [Buffer.from([c.cla, c.ins, c.p1, c.p2])];
  if (!extended) {
    if (c.data.length > 0) parts.push(Buffer.from([c.data.length]), c.data);
    if (c.ne !== undefined) parts.push(Buffer.from([c.ne & 0xff]));
  } else {
    if (c.data.length > 0) {
      parts.push(Buffer.from([0, c.data.length >> 8, c.data.length & 0xff]), c.data);
    }
    if (c.ne !== undefined) {
      const le = c.ne & 0xffff;
      parts.push(c.data.length > 0 ? Buffer.from([le >> 8, le & 0xff]) : Buffer.from([0, le >> 8, le & 0xff]));
    }
  }
  return Buffer.concat(parts);
}

/** Splits a response APDU into data and status word. */
export function parseResponse(bytes: Uint8Array): ResponseApdu {
  if (bytes.length < 2) throw new ApduFormatError(`a response APDU has at least 2 bytes, got ${bytes.length}`);
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { data: b.subarray(0, b.length - 2), sw: b.readUInt16BE(b.length - 2) };
}

/** Encodes data and a status word as a response APDU. */
export function encodeResponse(data: Uint8Array, sw: number): Buffer {
  const out = Buffer.alloc(data.length + 2);
  out.set(data, 0);
  out.writeUInt16BE(sw & 0xffff, data.length);
  return out;
}
