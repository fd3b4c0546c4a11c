/**
 * Structure check of an ATR (ISO 7816-3 8.2), so that a profile cannot give pcscd an
 * ATR it would reject, nor claim a protocol its ATR does not offer.
 */
import type { Protocol } from './types.js';

export interface AtrInfo {
  /** Protocols named by TDi bytes; T=0 when there is no TD1. */
  protocols: Set<number>;
  historical: Buffer;
}

/** Parses the ATR; returns a reason string instead when it is malformed. */
export function checkAtr(atr: Buffer): AtrInfo | string {
  if (atr.length < 2 || atr.length > 33) return `an ATR has 2 to 33 bytes, this one ${atr.length}`;
  if (atr[0] !== 0x3b && atr[0] !== 0x3f) return 'TS (the first byte) must be 3B or 3F';
  const t0 = atr[1]!;
  const protocols = new Set<number>();
  let y = t0 >> 4;
  let i = 2;
  let tckNeeded = false;
  for (;;) {
    i += (y & 1) + ((y >> 1) & 1) + ((y >> 2) & 1);
    if (!(y & 8)) break;
    const td = atr[i];
    if (td === undefined) return 'the ATR ends inside its interface bytes';
    i += 1;
    const t = td & 0x0f;
    if (t !== 15) protocols.add(t);
    if (t !== 0) tckNeeded = true;
    y = td >> 4;
  }
  if (protocols.size === 0) protocols.add(0);
  const k = t0 & 0x0f;
  const historical = atr.subarray(i, i + k);
  if (historical.length < k) return `T0 announces ${k} historical bytes, the ATR has ${historical.length}`;
  i += k;
  if (tckNeeded) {
    if (i >= atr.length) return 'TCK (check byte) is missing: a protocol other than T=0 is offered';
    let x = 0;
    for (let j = 1; j <= i; j++) x ^= atr[j]!;
    if (x !== 0) {
      const right = x ^ atr[i]!;
      return `TCK is ${hex(atr[i]!)}, the XOR of T0..TCK must be 0, so TCK should be ${hex(right)}`;
    }
    i += 1;
  }
  if (i !== atr.length) return `${atr.length - i} byte(s) after the end of the ATR`;
  return { protocols, historical };
}

function hex(b: number): string {
  return b.toString(16).toUpperCase().padStart(2, '0');
}

export function protocolNumber(p: Protocol): number {
  return p === 'T=0' ? 0 : 1;
}
