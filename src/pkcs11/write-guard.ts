import { HarnessCodes, HarnessError } from '../../core/errors.js';

/** The PKCS#11 calls that change what a token keeps: its objects, its PINs, or everything. */
export type TokenWriteCall = 'C_CreateObject' | 'C_CopyObject' | 'C_GenerateKeyPair' | 'C_SetAttributeValue' | 'C_DestroyObject' | 'C_SetPIN' | 'C_InitPIN' | 'C_InitToken';

/** One change a call would make, as the write guard judges it. */
export interface TokenWrite {
  call: TokenWriteCall;
  /**
   * Whether the object lives on the token (CKA_TOKEN true): true, false, or undefined when
   * the token would not say, which the guard counts as true (it fails closed). A PIN and
   * the token itself always stay: true.
   */
  tokenObject: boolean | undefined;
  /** What is written, for the refusal: `the key pair "signer"`, `CKA_LABEL of "signer"`, `the user PIN`. */
  what: string;
}

/** Called before every write; throws to stop it. */
export type TokenWriteGuard = (write: TokenWrite) => void;

/**
 * Why a write would change a physical token for good, or undefined when it would not:
 * session objects vanish with the session, everything else (token objects, objects whose
 * CKA_TOKEN is unknown, PINs, initialisation) stays. A PIN change with a wrong old value
 * also spends a try.
 */
export function tokenWriteRisk(write: TokenWrite): string | undefined {
  if (write.call === 'C_InitToken') return `${write.call} would erase every object and PIN of the token`;
  if (write.call === 'C_SetPIN' || write.call === 'C_InitPIN') return `${write.call} would set ${write.what} for good`;
  if (write.tokenObject === false) return undefined;
  const where = write.tokenObject === undefined ? 'may be a token object (the token did not tell CKA_TOKEN)' : 'is a token object';
  const verb = { C_CreateObject: 'would stay', C_CopyObject: 'would stay', C_GenerateKeyPair: 'would stay', C_SetAttributeValue: 'would be changed for good', C_DestroyObject: 'would be deleted for good' }[write.call];
  return `${write.what} ${where} and ${verb} (${write.call})`;
}

/**
 * The guard of physical tokens: refuses any write that outlives the session unless the
 * scenario is tagged @destructive (`allowed()`).
 */
export function tokenWriteGuard(allowed: () => boolean): TokenWriteGuard {
  return (write) => {
    if (allowed()) return;
    const risk = tokenWriteRisk(write);
    if (risk) throw new HarnessError(HarnessCodes.REFUSED, `refused to change a physical token: ${risk}; tag the scenario @destructive to allow it`);
  };
}
