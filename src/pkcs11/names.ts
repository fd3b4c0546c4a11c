import pkcs11js from 'pkcs11js';
import { didYouMean } from '../../core/text/nearest.js';
import { HarnessCodes, HarnessError } from '../../core/errors.js';

/**
 * PKCS#11 constants by name and back. The values come from pkcs11js (which mirrors the
 * 2.40 headers); the PKCS#11 3.0 values below are missing there and are used by SoftHSM
 * 2.6 (EdDSA) and by current tokens.
 */
const PKCS11_V3_CONSTANTS: Record<string, number> = {
  CKM_EC_EDWARDS_KEY_PAIR_GEN: 0x1055,
  CKM_EC_MONTGOMERY_KEY_PAIR_GEN: 0x1056,
  CKM_EDDSA: 0x1057,
  CKK_EC_EDWARDS: 0x40,
  CKK_EC_MONTGOMERY: 0x41,
  CKA_UNIQUE_ID: 0x4,
  CKA_PUBLIC_KEY_INFO: 0x129,
  CKR_ACTION_PROHIBITED: 0x1b,
  CKR_CURVE_NOT_SUPPORTED: 0x140,
  CKR_TOKEN_RESOURCE_EXCEEDED: 0x201,
  CKR_OPERATION_CANCEL_FAILED: 0x202,
};

const VENDOR_DEFINED = 0x80000000;

/** One family of constants (CKM_, CKA_, ...): names to values and back. */
export class ConstantTable {
  private readonly byName = new Map<string, number>();
  private readonly byValue = new Map<number, string>();

  constructor(
    readonly prefix: string,
    /** What the constants are, for messages: "mechanism", "attribute". */
    readonly kind: string,
  ) {
    const sources = [Object.entries(pkcs11js as unknown as Record<string, unknown>), Object.entries(PKCS11_V3_CONSTANTS)];
    for (const [name, value] of sources.flat()) {
      if (!name.startsWith(prefix) || typeof value !== 'number' || name.endsWith('_VENDOR_DEFINED')) continue;
      this.byName.set(name, value);
      // pkcs11js lists deprecated aliases first (CKK_ECDSA, CKM_ECDSA_KEY_PAIR_GEN): the later name wins.
      this.byValue.set(value, name);
    }
  }

  /** The value of `name`, or undefined. */
  find(name: string): number | undefined {
    return this.byName.get(name);
  }

  /** The value of `name`; an unknown name fails with the names that look like it. */
  value(name: string): number {
    const value = this.byName.get(name);
    if (value === undefined) {
      throw new HarnessError(HarnessCodes.UNSUPPORTED, `unknown ${this.kind} "${name}"${this.suggest(name)}`);
    }
    return value;
  }

  /** The name of `value`: the standard name, `<PREFIX>VENDOR_DEFINED+0x...`, or the hex value. */
  name(value: number): string {
    const name = this.byValue.get(value);
    if (name !== undefined) return name;
    if (value >= VENDOR_DEFINED) return `${this.prefix}VENDOR_DEFINED+0x${(value - VENDOR_DEFINED).toString(16).toUpperCase()}`;
    return `${this.prefix}0x${value.toString(16).toUpperCase().padStart(8, '0')}`;
  }

  names(): string[] {
    return [...this.byName.keys()];
  }

  /** The nearest known name, and those that share the unknown name's first word after the prefix (`CKM_SHA256_...`). */
  private suggest(name: string): string {
    if (!name.startsWith(this.prefix)) return `: ${this.kind} names start with ${this.prefix}${didYouMean(name, this.names())}`;
    const firstWord = name.slice(this.prefix.length).split('_')[0] ?? '';
    const similar = firstWord ? this.names().filter((n) => n.slice(this.prefix.length).split('_')[0] === firstWord) : [];
    const likeIt = similar.length > 0 ? `; known ${this.kind}s like it: ${similar.slice(0, 16).join(', ')}` : '';
    return `${didYouMean(name, this.names())}${likeIt}`;
  }
}

export const mechanisms = new ConstantTable('CKM_', 'mechanism');
export const attributes = new ConstantTable('CKA_', 'attribute');
export const keyTypes = new ConstantTable('CKK_', 'key type');
export const objectClasses = new ConstantTable('CKO_', 'object class');
export const returnValues = new ConstantTable('CKR_', 'return value');
