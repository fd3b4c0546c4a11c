import { DerTag, encodeDer, encodeUnsignedInteger, readTlv, readWhole, DerError } from './der.js';

/**
 * ECDSA signatures in their two shapes: PKCS#11 gives r||s (each as long as the curve's
 * order), X.509 and OpenSSL use DER `SEQUENCE { INTEGER r, INTEGER s }`.
 */

export function ecdsaRawToDer(raw: Uint8Array): Buffer {
  if (raw.length === 0 || raw.length % 2 !== 0) {
    throw new DerError(`an ECDSA r||s signature has an even, non-zero length; got ${raw.length} bytes`);
  }
  const half = raw.length / 2;
  const body = Buffer.concat([encodeUnsignedInteger(raw.subarray(0, half)), encodeUnsignedInteger(raw.subarray(half))]);
  return encodeDer(DerTag.SEQUENCE, body);
}

/** DER → r||s with each half `componentBytes` long (32 for P-256, 48 for P-384, 66 for P-521). */
export function ecdsaDerToRaw(der: Uint8Array, componentBytes: number): Buffer {
  const sequence = readWhole(der, DerTag.SEQUENCE);
  const r = readTlv(sequence, 0);
  const s = readTlv(sequence, r.end);
  if (r.tag !== DerTag.INTEGER || s.tag !== DerTag.INTEGER || s.end !== sequence.length) {
    throw new DerError('an ECDSA signature is SEQUENCE { INTEGER r, INTEGER s }');
  }
  return Buffer.concat([fixedWidth(r.value, componentBytes), fixedWidth(s.value, componentBytes)]);
}

function fixedWidth(integer: Buffer, width: number): Buffer {
  let start = 0;
  while (start < integer.length && integer[start] === 0) start++;
  const magnitude = integer.subarray(start);
  if (magnitude.length > width) throw new DerError(`an ECDSA component of ${magnitude.length} bytes does not fit in ${width}`);
  return Buffer.concat([Buffer.alloc(width - magnitude.length), magnitude]);
}
