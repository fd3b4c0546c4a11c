import type pkcs11js from 'pkcs11js';
import { HarnessCodes, HarnessError } from '../../core/errors.js';
import { callNative, type CallLog } from './calls.js';
import { pkcs11Error } from './errors.js';
import type { SeedsMadeAhead } from './key-pairs.js';
import { mechanismFlags } from './flags.js';
import type { Pkcs11Module } from './module.js';
import { mechanisms } from './names.js';
import type { TokenWriteGuard } from './write-guard.js';

/** What an operation needs from a mechanism's flags, for messages: `SIGN` → "signing". */
export const OPERATION_FLAGS = {
  SIGN: 'signing',
  VERIFY: 'verifying',
  ENCRYPT: 'encryption',
  DECRYPT: 'decryption',
  DIGEST: 'digests',
  GENERATE_KEY_PAIR: 'key-pair generation',
} as const;
export type OperationFlag = keyof typeof OPERATION_FLAGS;

/** A token in its slot. Slot ids change when tokens are initialised: tokens are found by label. */
export class Pkcs11Token {
  /** On physical tokens: asked before every change that could outlive the session. */
  writeGuard: TokenWriteGuard | undefined;

  constructor(
    readonly module: Pkcs11Module,
    readonly slot: pkcs11js.Handle,
    readonly label: string,
    readonly log: CallLog,
  ) {}

  /** C_InitToken: erases the token and sets its SO PIN and label (never on hardware without @destructive). */
  initialize(soPin: string, label: string): void {
    this.writeGuard?.({ call: 'C_InitToken', tokenObject: true, what: `the token "${this.label}"` });
    callNative(this.log, 'C_InitToken', undefined, () => this.module.native.C_InitToken(this.slot, soPin, label));
  }

  info(): pkcs11js.TokenInfo {
    return callNative(this.log, 'C_GetTokenInfo', undefined, () => this.module.native.C_GetTokenInfo(this.slot));
  }

  /** The mechanisms the token offers, by CKM_* value. */
  mechanisms(): Map<number, pkcs11js.MechanismInfo> {
    return this.module.mechanisms(this.slot, this.log);
  }

  /** The names of the mechanisms offered with `flag` (all of them without one). */
  offered(flag?: OperationFlag): string[] {
    const bit = flag ? mechanismFlags.bit(flag) : 0;
    return [...this.mechanisms()]
      .filter(([, info]) => !flag || (info.flags & bit) !== 0)
      .map(([type]) => mechanisms.name(type))
      .sort();
  }

  /**
   * Fails with CKR_MECHANISM_INVALID, listing what the token offers, when the token does not
   * list `mechanism` for the operation. Checked before the call so that a token that would
   * answer another error for an unlisted mechanism still gives the spec's code.
   */
  requireMechanism(mechanism: string, flag: OperationFlag, functionName: string): void {
    const info = this.mechanisms().get(mechanisms.value(mechanism));
    if (info && (info.flags & mechanismFlags.bit(flag)) !== 0) return;
    const what = info ? `${mechanism} is offered, but not for ${OPERATION_FLAGS[flag]}` : `the token does not offer ${mechanism}`;
    throw pkcs11Error('CKR_MECHANISM_INVALID', functionName, `${what}; the token offers for ${OPERATION_FLAGS[flag]}: ${this.offered(flag).join(', ') || 'nothing'}`);
  }
}

/** The token labelled `label` (CK_TOKEN_INFO pads labels with spaces to 32 bytes). */
export function findToken(module: Pkcs11Module, label: string, log: CallLog, reader?: string): Pkcs11Token {
  if (reader !== undefined) return findTokenInReader(module, label, reader, log);
  const lookUp = () => module.tokens(log).find((t) => t.info.label.trimEnd() === label);
  const found = lookUp() ?? (module.reinitializeIfIdle(log) ? lookUp() : undefined);
  if (!found) {
    const labels = module.tokens(log).map((t) => `"${t.info.label.trimEnd()}"`);
    throw new HarnessError(HarnessCodes.NO_TOKEN, `no token labelled "${label}" in ${module.path} (tokens: ${labels.join(', ') || 'none'})`);
  }
  return new Pkcs11Token(module, found.slot, label, log);
}

/** The token of the card in `reader` (CK_SLOT_INFO pads the description with spaces to 64 bytes). */
function findTokenInReader(module: Pkcs11Module, label: string, reader: string, log: CallLog): Pkcs11Token {
  const tokens = module.tokens(log);
  const found = tokens.find((t) => module.slotDescription(t.slot, log) === reader);
  if (!found) {
    const slots = tokens.map((t) => `"${module.slotDescription(t.slot, log)}"`);
    throw new HarnessError(HarnessCodes.NO_TOKEN, `no token "${label}" in reader "${reader}" through ${module.path} (slots with a token: ${slots.join(', ') || 'none'})`);
  }
  return new Pkcs11Token(module, found.slot, label, log);
}

/** How to reach one PKCS#11 token on a target. */
export interface TokenAccess {
  /** Path of the PKCS#11 module to load. */
  modulePath: string;
  /** The token's label (tokens are found by label: slot ids change after initialisation). */
  label: string;
  /**
   * A card-backed token is found by its reader instead: the slot whose description is the
   * reader's name (OpenSC names each slot after its reader; the token label is the card's).
   */
  reader?: string;
  userPin: string;
  soPin: string;
  /** Environment the module needs (SOFTHSM2_CONF, PKCS11PROXY_SOCKET_PATH), set before loading it. */
  env: Record<string, string>;
  /**
   * On physical tokens: whether the scenario may risk the PIN (it is tagged @destructive).
   * When this returns false, a login that could lock the PIN is refused.
   */
  destructiveAllowed?: () => boolean;
  /**
   * Set when the token was made for this run: key pairs are copied from seeds kept on it
   * (key-pairs.ts, copyKeyPairFromSeed), and this waits for a seed made ahead in the
   * background (seed-maker.ts) before it is looked for.
   */
  keySeeds?: SeedsMadeAhead;
}
