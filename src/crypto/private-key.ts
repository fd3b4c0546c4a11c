import { createPrivateKey } from 'node:crypto';
import { HarnessCodes, HarnessError } from '../../core/errors.js';
import { curveByName, type Curve } from './curves.js';

/** A private key taken apart into the values PKCS#11 key objects hold (big-endian bytes). */
export type PrivateKeyComponents =
  | {
      kind: 'rsa';
      modulus: Buffer;
      publicExponent: Buffer;
      privateExponent: Buffer;
      prime1: Buffer;
      prime2: Buffer;
      exponent1: Buffer;
      exponent2: Buffer;
      coefficient: Buffer;
    }
  /** `publicPoint` is the bare point: 04||x||y for Weierstrass curves, the 32 bytes for Ed25519. */
  | { kind: 'ec'; curve: Curve; privateValue: Buffer; publicPoint: Buffer };

/** Reads a PEM private key (PKCS#8 or traditional) into its components, through its JWK form. */
export function privateKeyComponents(pem: string): PrivateKeyComponents {
  const jwk = createPrivateKey(pem).export({ format: 'jwk' });
  const field = (name: keyof typeof jwk): Buffer => {
    const value = jwk[name];
    if (typeof value !== 'string') throw new HarnessError(HarnessCodes.UNSUPPORTED, `the private key has no JWK field "${String(name)}"`);
    return Buffer.from(value, 'base64url');
  };
  if (jwk.kty === 'RSA') {
    return {
      kind: 'rsa',
      modulus: field('n'),
      publicExponent: field('e'),
      privateExponent: field('d'),
      prime1: field('p'),
      prime2: field('q'),
      exponent1: field('dp'),
      exponent2: field('dq'),
      coefficient: field('qi'),
    };
  }
  if (jwk.crv === 'P-256' || jwk.crv === 'P-384' || jwk.crv === 'P-521') {
    return { kind: 'ec', curve: curveByName(jwk.crv), privateValue: field('d'), publicPoint: Buffer.concat([Buffer.from([4]), field('x'), field('y')]) };
  }
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') {
    return { kind: 'ec', curve: curveByName('Ed25519'), privateValue: field('d'), publicPoint: field('x') };
  }
  throw new HarnessError(HarnessCodes.UNSUPPORTED, `cannot import a ${jwk.kty ?? 'unknown'} ${jwk.crv ?? ''} private key: RSA, P-256, P-384, P-521 and Ed25519 are supported`);
}
