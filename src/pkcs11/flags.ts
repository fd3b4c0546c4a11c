import { HarnessCodes, HarnessError } from '../../core/errors.js';

/**
 * Flag words of CK_TOKEN_INFO and CK_MECHANISM_INFO. Their bits overlap (CKF_RNG and
 * CKF_HW are both 1), so each word has its own table. Values from PKCS#11 2.40, sections
 * 3.2 and 3.5.
 */
export class FlagTable {
  constructor(
    readonly kind: string,
    private readonly flags: Readonly<Record<string, number>>,
  ) {}

  /** The names of the bits set in `word`. */
  names(word: number): string[] {
    return Object.entries(this.flags)
      .filter(([, bit]) => (word & bit) !== 0)
      .map(([name]) => name);
  }

  /** The bit of a flag written `CKF_SIGN` or `SIGN`; an unknown one fails with the list. */
  bit(name: string): number {
    const full = name.startsWith('CKF_') ? name : `CKF_${name}`;
    const bit = this.flags[full];
    if (bit === undefined) {
      throw new HarnessError(HarnessCodes.UNSUPPORTED, `unknown ${this.kind} flag "${name}": use one of ${Object.keys(this.flags).join(', ')}`);
    }
    return bit;
  }

  isSet(word: number, name: string): boolean {
    return (word & this.bit(name)) !== 0;
  }
}

export const tokenFlags = new FlagTable('token', {
  CKF_RNG: 0x1,
  CKF_WRITE_PROTECTED: 0x2,
  CKF_LOGIN_REQUIRED: 0x4,
  CKF_USER_PIN_INITIALIZED: 0x8,
  CKF_RESTORE_KEY_NOT_NEEDED: 0x20,
  CKF_CLOCK_ON_TOKEN: 0x40,
  CKF_PROTECTED_AUTHENTICATION_PATH: 0x100,
  CKF_DUAL_CRYPTO_OPERATIONS: 0x200,
  CKF_TOKEN_INITIALIZED: 0x400,
  CKF_SECONDARY_AUTHENTICATION: 0x800,
  CKF_USER_PIN_COUNT_LOW: 0x10000,
  CKF_USER_PIN_FINAL_TRY: 0x20000,
  CKF_USER_PIN_LOCKED: 0x40000,
  CKF_USER_PIN_TO_BE_CHANGED: 0x80000,
  CKF_SO_PIN_COUNT_LOW: 0x100000,
  CKF_SO_PIN_FINAL_TRY: 0x200000,
  CKF_SO_PIN_LOCKED: 0x400000,
  CKF_SO_PIN_TO_BE_CHANGED: 0x800000,
  CKF_ERROR_STATE: 0x1000000,
});

export const mechanismFlags = new FlagTable('mechanism', {
  CKF_HW: 0x1,
  CKF_ENCRYPT: 0x100,
  CKF_DECRYPT: 0x200,
  CKF_DIGEST: 0x400,
  CKF_SIGN: 0x800,
  CKF_SIGN_RECOVER: 0x1000,
  CKF_VERIFY: 0x2000,
  CKF_VERIFY_RECOVER: 0x4000,
  CKF_GENERATE: 0x8000,
  CKF_GENERATE_KEY_PAIR: 0x10000,
  CKF_WRAP: 0x20000,
  CKF_UNWRAP: 0x40000,
  CKF_DERIVE: 0x80000,
  CKF_EC_F_P: 0x100000,
  CKF_EC_F_2M: 0x200000,
  CKF_EC_ECPARAMETERS: 0x400000,
  CKF_EC_OID: 0x800000,
  CKF_EC_UNCOMPRESS: 0x1000000,
  CKF_EC_COMPRESS: 0x2000000,
  CKF_EXTENSION: 0x80000000,
});
