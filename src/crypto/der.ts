/**
 * The few DER shapes the harness reads and writes: a TLV's length field, INTEGER, OCTET
 * STRING and SEQUENCE. Just enough for ECDSA signatures and CKA_EC_POINT; no I/O.
 */

export const DerTag = {
  INTEGER: 0x02,
  OCTET_STRING: 0x04,
  OBJECT_IDENTIFIER: 0x06,
  PRINTABLE_STRING: 0x13,
  SEQUENCE: 0x30,
} as const;

/** One decoded TLV and where the next one starts. */
export interface DerElement {
  tag: number;
  value: Buffer;
  end: number;
}

export class DerError extends Error {}

export function encodeLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** One DER element with a single-byte tag (DerTag); no checks (BER-TLV for cards is core/apdu/tlv.ts). */
export function encodeDer(tag: number, value: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from([tag]), encodeLength(value.length), value]);
}


/** A non-negative INTEGER from big-endian bytes: leading zeros dropped, a 00 added before a high bit. */
export function encodeUnsignedInteger(bigEndian: Uint8Array): Buffer {
  let start = 0;
  while (start < bigEndian.length - 1 && bigEndian[start] === 0) start++;
  const trimmed = Buffer.from(bigEndian.subarray(start));
  const value = trimmed.length === 0 ? Buffer.from([0]) : trimmed[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed;
  return encodeDer(DerTag.INTEGER, value);
}

/** Reads the TLV at `offset`; single-byte tags, definite lengths (DER) only. */
export function readTlv(data: Uint8Array, offset = 0): DerElement {
  const tag = data[offset];
  const first = data[offset + 1];
  if (tag === undefined || first === undefined) throw new DerError(`DER ends before the TLV at offset ${offset}`);
  let length = first;
  let headerEnd = offset + 2;
  if (first & 0x80) {
    const count = first & 0x7f;
    if (count === 0 || count > 4) throw new DerError(`unsupported DER length form 0x${first.toString(16)} at offset ${offset + 1}`);
    length = 0;
    for (let i = 0; i < count; i++) {
      const b = data[headerEnd + i];
      if (b === undefined) throw new DerError(`DER length at offset ${offset + 1} is cut short`);
      length = length * 256 + b;
    }
    headerEnd += count;
  }
  const end = headerEnd + length;
  if (end > data.length) throw new DerError(`DER value at offset ${offset} claims ${length} bytes, ${data.length - headerEnd} remain`);
  return { tag, value: Buffer.from(data.subarray(headerEnd, end)), end };
}

/** Reads a TLV that must be the whole of `data` and carry `tag`. */
export function readWhole(data: Uint8Array, tag: number): Buffer {
  const element = readTlv(data);
  if (element.tag !== tag) throw new DerError(`expected DER tag 0x${tag.toString(16)}, found 0x${element.tag.toString(16)}`);
  if (element.end !== data.length) throw new DerError(`${data.length - element.end} bytes follow the DER value`);
  return element.value;
}
