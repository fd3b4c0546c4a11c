import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { HarnessCodes, HarnessError } from '../../core/errors.js';
import { curveByEcParams } from './curves.js';
import { DerTag, readTlv } from './der.js';

/** A public key as a PKCS#11 token describes it, attribute by attribute. */
export type PublicKeyComponents =
  | { kind: 'rsa'; modulus: Uint8Array; publicExponent: Uint8Array }
  /** `ecPoint` is CKA_EC_POINT: the DER OCTET STRING of the point (a bare point is accepted too). */
  | { kind: 'ec'; ecParams: Uint8Array; ecPoint: Uint8Array };

/**
 * Rebuilds a public key from its token attributes. node:crypto does the DER work and checks
 * the point lies on the curve, so a token that hands out a bad point is caught here.
 */
export function publicKeyFromComponents(components: PublicKeyComponents): KeyObject {
  return createPublicKey({ key: toJwk(components), format: 'jwk' });
}

/** SubjectPublicKeyInfo, DER. */
export function spkiDer(key: KeyObject): Buffer {
  return key.export({ type: 'spki', format: 'der' });
}

/** SubjectPublicKeyInfo, PEM (`-----BEGIN PUBLIC KEY-----`). */
export function spkiPem(key: KeyObject): string {
  return key.export({ type: 'spki', format: 'pem' }).toString();
}

function toJwk(components: PublicKeyComponents): JsonWebKey {
  if (components.kind === 'rsa') {
    return { kty: 'RSA', n: base64Url(stripZeros(components.modulus)), e: base64Url(stripZeros(components.publicExponent)) };
  }
  const curve = curveByEcParams(components.ecParams);
  if (!curve) {
    throw new HarnessError(HarnessCodes.UNSUPPORTED, `CKA_EC_PARAMS ${Buffer.from(components.ecParams).toString('hex')} names a curve the harness cannot export (it knows P-256, P-384, P-521, Ed25519)`);
  }
  const point = unwrapEcPoint(components.ecPoint);
  if (curve.family === 'edwards') {
    if (point.length !== curve.componentBytes) throw badPoint(curve.name, point);
    return { kty: 'OKP', crv: curve.name, x: base64Url(point) };
  }
  const n = curve.componentBytes;
  if (point.length !== 1 + 2 * n || point[0] !== 0x04) throw badPoint(curve.name, point);
  return { kty: 'EC', crv: curve.name, x: base64Url(point.subarray(1, 1 + n)), y: base64Url(point.subarray(1 + n)) };
}

/**
 * CKA_EC_POINT is the DER OCTET STRING of the point (PKCS#11 2.40, section 2.3.3); some
 * tokens return the bare point. A bare uncompressed point starts with 04 too, so the
 * wrapping is taken as such only when its length covers exactly the whole attribute.
 */
export function unwrapEcPoint(ecPoint: Uint8Array): Buffer {
  if (ecPoint[0] === DerTag.OCTET_STRING) {
    try {
      const element = readTlv(ecPoint);
      if (element.end === ecPoint.length) return element.value;
    } catch {
      // Not a DER OCTET STRING: a bare point.
    }
  }
  return Buffer.from(ecPoint);
}

function badPoint(curve: string, point: Uint8Array): HarnessError {
  return new HarnessError(HarnessCodes.UNSUPPORTED, `CKA_EC_POINT is not an uncompressed ${curve} point (${point.length} bytes: ${Buffer.from(point).toString('hex')})`);
}

function stripZeros(bytes: Uint8Array): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  return Buffer.from(bytes.subarray(start));
}

function base64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}
