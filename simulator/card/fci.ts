/**
 * The templates SELECT answers, built exactly as DEMO-CARD.md lists them (tags and
 * order are a contract that user specs check byte for byte):
 *   FCI 6F: 84 name (DF selected by name), else 83 fid [+ 80 size for an EF]
 *   FCP 62: 82 descriptor, 83 fid, then 80 size (EF) or 84 name (named DF)
 */
import type { CardFile } from './files.js';

/** File descriptor bytes (ISO 7816-4 table 12). */
const DESCRIPTOR = { transparent: 0x01, 'linear-variable': 0x04, df: 0x38 } as const;

/** One BER-TLV; templates here are short, but long lengths are encoded right anyway. */
export function tlv(tag: number, value: Uint8Array): Buffer {
  const n = value.length;
  const len = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return Buffer.concat([Buffer.from([tag, ...len]), value]);
}

function u16(n: number): Buffer {
  return Buffer.from([(n >> 8) & 0xff, n & 0xff]);
}

export function fci(file: CardFile, selectedByName: boolean): Buffer {
  if (file.kind === 'df' && selectedByName && file.aid !== undefined) return tlv(0x6f, tlv(0x84, file.aid));
  const parts = [tlv(0x83, u16(file.fid))];
  if (file.kind === 'ef') parts.push(tlv(0x80, u16(file.size)));
  return tlv(0x6f, Buffer.concat(parts));
}

export function fcp(file: CardFile): Buffer {
  const descriptor = file.kind === 'df' ? DESCRIPTOR.df : DESCRIPTOR[file.type];
  const parts = [tlv(0x82, Buffer.from([descriptor])), tlv(0x83, u16(file.fid))];
  if (file.kind === 'ef') parts.push(tlv(0x80, u16(file.size)));
  else if (file.aid !== undefined) parts.push(tlv(0x84, file.aid));
  return tlv(0x62, Buffer.concat(parts));
}
