import { HarnessCodes, HarnessError } from '../../core/errors.js';
import { DerTag, encodeDer } from './der.js';

/**
 * The curves the harness knows, by their CKA_EC_PARAMS encoding (a DER OID; SoftHSM and
 * OpenSC also write Edwards curves as a PrintableString name) and their JWK name.
 */
export interface Curve {
  name: 'P-256' | 'P-384' | 'P-521' | 'Ed25519';
  family: 'weierstrass' | 'edwards';
  /** CKA_EC_PARAMS as the harness writes it: the DER OBJECT IDENTIFIER. */
  ecParams: Buffer;
  /** Other CKA_EC_PARAMS encodings tokens use for the same curve. */
  otherEcParams: Buffer[];
  /** Bytes of one coordinate or scalar: the width of r and s in an ECDSA signature. */
  componentBytes: number;
}

const oid = (hex: string): Buffer => encodeDer(DerTag.OBJECT_IDENTIFIER, Buffer.from(hex, 'hex'));
const printable = (text: string): Buffer => encodeDer(DerTag.PRINTABLE_STRING, Buffer.from(text, 'ascii'));

export const CURVES: readonly Curve[] = [
  { name: 'P-256', family: 'weierstrass', ecParams: oid('2a8648ce3d030107'), otherEcParams: [], componentBytes: 32 },
  { name: 'P-384', family: 'weierstrass', ecParams: oid('2b81040022'), otherEcParams: [], componentBytes: 48 },
  { name: 'P-521', family: 'weierstrass', ecParams: oid('2b81040023'), otherEcParams: [], componentBytes: 66 },
  { name: 'Ed25519', family: 'edwards', ecParams: oid('2b6570'), otherEcParams: [printable('edwards25519')], componentBytes: 32 },
];

export function curveByName(name: Curve['name']): Curve {
  const curve = CURVES.find((c) => c.name === name);
  if (!curve) throw new HarnessError(HarnessCodes.UNSUPPORTED, `no curve ${name}`);
  return curve;
}

/** The curve of a CKA_EC_PARAMS value, or undefined when the harness does not know it. */
export function curveByEcParams(ecParams: Uint8Array): Curve | undefined {
  return CURVES.find((c) => c.ecParams.equals(ecParams) || c.otherEcParams.some((p) => p.equals(ecParams)));
}
