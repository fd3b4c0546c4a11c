/**
 * The asymmetric keys of the PIV slots, with node:crypto: RSA raw (the host pads),
 * ECDSA over the hash the host sends, ECDH, key generation. A private key never leaves
 * the object: only signatures, shared secrets and public keys come out.
 */
import { type KeyObject, createECDH, createPrivateKey, generateKeyPairSync, privateDecrypt, randomBytes } from 'node:crypto';
import { constants } from 'node:crypto';
import { encodeTlv } from '../../../../core/apdu/tlv.js';
import { fail } from '../../sw.js';
import { ALG, PIV_SW } from './constants.js';

/** Who must have shown the PIN before a key is used (SP 800-73-4 part 1 3.1.5, and YubiKey's policies). */
export type PinPolicy = 'never' | 'once' | 'always';

/** YubiKey's codes for PIN policies (GENERATE tag AA, GET METADATA tag 02). */
export const PIN_POLICY_CODE: Record<PinPolicy, number> = { never: 1, once: 2, always: 3 };

export type Origin = 'generated' | 'imported';

interface Curve {
  name: string;
  /** The group order n. */
  order: bigint;
  bytes: number;
}

/** NIST P-256 and P-384 (FIPS 186-4 D.1.2.3 and D.1.2.4). */
const CURVES: Record<number, Curve> = {
  [ALG.ECCP256]: { name: 'prime256v1', order: BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551'), bytes: 32 },
  [ALG.ECCP384]: {
    name: 'secp384r1',
    order: BigInt('0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973'),
    bytes: 48,
  },
};

const RSA_BITS: Record<number, number> = { [ALG.RSA1024]: 1024, [ALG.RSA2048]: 2048, [ALG.RSA3072]: 3072 };

export const ASYMMETRIC_ALGORITHMS: ReadonlySet<number> = new Set([...Object.keys(RSA_BITS), ...Object.keys(CURVES)].map(Number));

export function isEc(alg: number): boolean {
  return CURVES[alg] !== undefined;
}

/** The PIV algorithm of a private key, or a sentence saying why it has none. */
export function algorithmOf(key: KeyObject): number | string {
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'rsa') {
    const found = Object.entries(RSA_BITS).find(([, bits]) => bits === details.modulusLength);
    if (found === undefined) return `an RSA key of ${details.modulusLength} bits (PIV has 1024, 2048 and 3072)`;
    if (details.publicExponent !== 65537n) return 'an RSA key whose public exponent is not 65537';
    return Number(found[0]);
  }
  if (key.asymmetricKeyType === 'ec') {
    const found = Object.entries(CURVES).find(([, c]) => c.name === details.namedCurve);
    return found === undefined ? `an EC key on ${details.namedCurve} (PIV has P-256 and P-384)` : Number(found[0]);
  }
  return `a ${key.asymmetricKeyType} key (PIV has RSA and EC P-256/P-384)`;
}

function fromBase64Url(text: string | undefined): Buffer {
  return Buffer.from(text ?? '', 'base64url');
}

function toBigInt(bytes: Buffer): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${bytes.toString('hex')}`);
}

function toBytes(n: bigint, length: number): Buffer {
  return Buffer.from(n.toString(16).padStart(length * 2, '0'), 'hex');
}

function mod(a: bigint, m: bigint): bigint {
  const r = a % m;
  return r < 0n ? r + m : r;
}

/** a^e mod m by squaring. */
function modPow(a: bigint, e: bigint, m: bigint): bigint {
  let result = 1n;
  let base = mod(a, m);
  for (let x = e; x > 0n; x >>= 1n) {
    if (x & 1n) result = (result * base) % m;
    base = (base * base) % m;
  }
  return result;
}

/** DER INTEGER of a non-negative number: minimal, with a 00 when the top bit is set. */
function derInteger(n: bigint): Buffer {
  let hex = n.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  let bytes = Buffer.from(hex, 'hex');
  if (bytes[0]! & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return encodeTlv(0x02, bytes);
}

export class SlotKey {
  readonly algorithm: number;
  readonly pinPolicy: PinPolicy;
  readonly origin: Origin;
  private readonly key: KeyObject;

  constructor(key: KeyObject, algorithm: number, pinPolicy: PinPolicy, origin: Origin) {
    this.key = key;
    this.algorithm = algorithm;
    this.pinPolicy = pinPolicy;
    this.origin = origin;
  }

  /** A fresh key pair of `algorithm` (an asymmetric PIV algorithm). */
  static generate(algorithm: number, pinPolicy: PinPolicy): SlotKey {
    const curve = CURVES[algorithm];
    const pair =
      curve !== undefined
        ? generateKeyPairSync('ec', { namedCurve: curve.name })
        : generateKeyPairSync('rsa', { modulusLength: RSA_BITS[algorithm]!, publicExponent: 65537 });
    return new SlotKey(pair.privateKey, algorithm, pinPolicy, 'generated');
  }

  /** The public key as GENERATE answers it inside 7F49: 81 modulus, 82 exponent (RSA) or 86 point (EC). */
  publicKeyTemplate(): Buffer {
    const jwk = this.key.export({ format: 'jwk' });
    if (isEc(this.algorithm)) return encodeTlv(0x86, this.ecPoint(jwk.x, jwk.y));
    return Buffer.concat([encodeTlv(0x81, fromBase64Url(jwk.n)), encodeTlv(0x82, fromBase64Url(jwk.e))]);
  }

  /** Whether `other` is this key's public key (a certificate's, for instance). */
  matches(publicKey: KeyObject): boolean {
    const mine = this.key.export({ format: 'jwk' });
    const theirs = publicKey.export({ format: 'jwk' });
    return mine.n === theirs.n && mine.e === theirs.e && mine.x === theirs.x && mine.y === theirs.y && mine.crv === theirs.crv;
  }

  /**
   * GENERAL AUTHENTICATE with tag 81. RSA: the raw private-key operation on a block of
   * exactly the modulus' length (the host did the padding). EC: an ECDSA signature, DER,
   * over the hash the host sent, cut to the order's length (FIPS 186-4 6.4).
   */
  sign(input: Buffer): Buffer {
    const curve = CURVES[this.algorithm];
    if (curve === undefined) return this.rsaRaw(input);
    return this.ecdsa(input, curve);
  }

  /** GENERAL AUTHENTICATE with tag 85: ECDH with the host's uncompressed point; the shared X. */
  ecdh(point: Buffer): Buffer {
    const curve = CURVES[this.algorithm] ?? fail(PIV_SW.WRONG_DATA, 'key agreement needs an EC key');
    if (point.length !== 1 + 2 * curve.bytes || point[0] !== 0x04) fail(PIV_SW.WRONG_DATA, 'an uncompressed point of the key\'s curve is expected');
    const ecdh = createECDH(curve.name);
    ecdh.setPrivateKey(this.privateScalar());
    try {
      return ecdh.computeSecret(point);
    } catch {
      return fail(PIV_SW.WRONG_DATA, 'the point is not on the curve');
    }
  }

  private rsaRaw(input: Buffer): Buffer {
    const bytes = (RSA_BITS[this.algorithm] ?? 0) / 8;
    if (input.length !== bytes) fail(PIV_SW.WRONG_DATA, `RSA input of ${bytes} bytes expected, got ${input.length}`);
    try {
      return privateDecrypt({ key: this.key, padding: constants.RSA_NO_PADDING }, input);
    } catch {
      // The block is not smaller than the modulus.
      return fail(PIV_SW.WRONG_DATA, 'the RSA input is not below the modulus');
    }
  }

  private privateScalar(): Buffer {
    return fromBase64Url(this.key.export({ format: 'jwk' }).d);
  }

  private ecPoint(x: string | undefined, y: string | undefined): Buffer {
    return Buffer.concat([Buffer.from([0x04]), fromBase64Url(x), fromBase64Url(y)]);
  }

  /** ECDSA (FIPS 186-4 6.4) with k from the system's random source; kG from node:crypto's ECDH. */
  private ecdsa(hash: Buffer, curve: Curve): Buffer {
    if (hash.length === 0) fail(PIV_SW.WRONG_DATA, 'nothing to sign');
    const n = curve.order;
    const e = toBigInt(hash.subarray(0, curve.bytes));
    const d = toBigInt(this.privateScalar());
    const ecdh = createECDH(curve.name);
    for (;;) {
      const k = toBigInt(randomBytes(curve.bytes));
      if (k === 0n || k >= n) continue;
      ecdh.setPrivateKey(toBytes(k, curve.bytes));
      const kG = ecdh.getPublicKey();
      const r = mod(toBigInt(kG.subarray(1, 1 + curve.bytes)), n);
      if (r === 0n) continue;
      const s = mod(modPow(k, n - 2n, n) * (e + r * d), n);
      if (s === 0n) continue;
      return encodeTlv(0x30, [derInteger(r), derInteger(s)]);
    }
  }
}

/** A private key from PEM or DER text of a profile; throws when it is not one. */
export function readPrivateKey(data: Buffer): KeyObject {
  return createPrivateKey(data.toString('latin1').includes('-----BEGIN') ? { key: data, format: 'pem' } : { key: data, format: 'der', type: 'pkcs8' });
}
