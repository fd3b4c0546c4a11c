/**
 * The templates SELECT answers, built exactly as docs/demo-cards.md lists them (tags and
 * order are a contract that user specs check byte for byte):
 *   FCI 6F: 84 name (DF selected by name), else 83 fid [+ 80 size for an EF]
 *   FCP 62: 82 descriptor, 83 fid, then 80 size (EF) or 84 name (named DF)
 */
import { encodeTlv } from '../../core/apdu/tlv.js';
import type { CardFile } from './files.js';

/** File descriptor bytes (ISO 7816-4 table 12). */
const DESCRIPTOR = { transparent: 0x01, 'linear-variable': 0x04, df: 0x38 } as const;

function u16(n: number): Buffer {
  return Buffer.from([(n >> 8) & 0xff, n & 0xff]);
}

export function fci(file: CardFile, selectedByName: boolean): Buffer {
  if (file.kind === 'df' && selectedByName && file.aid !== undefined) return encodeTlv(0x6f, encodeTlv(0x84, file.aid));
  const parts = [encodeTlv(0x83, u16(file.fid))];
  if (file.kind === 'ef') parts.push(encodeTlv(0x80, u16(file.size)));
  return encodeTlv(0x6f, parts);
}

export function fcp(file: CardFile): Buffer {
  const descriptor = file.kind === 'df' ? DESCRIPTOR.df : DESCRIPTOR[file.type];
  const parts = [encodeTlv(0x82, Buffer.from([descriptor])), encodeTlv(0x83, u16(file.fid))];
  if (file.kind === 'ef') parts.push(encodeTlv(0x80, u16(file.size)));
  else if (file.aid !== undefined) parts.push(encodeTlv(0x84, file.aid));
  return encodeTlv(0x62, parts);
}
