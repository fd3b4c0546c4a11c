/**
 * Which error codes `Then it fails with CODE` may name. Only failures of the card, reader
 * or token under test can be expected: every SCARD_* and CKR_* code, and the harness codes
 * that stand for what the card or token did. Codes of spec and set-up mistakes (a broken
 * profile, an unknown name, a step in the wrong order) always fail where they happen.
 */
import { HarnessCodes } from '../core/errors.js';
import { scardCodeNames } from './pcsc/errors.js';
import { returnValues } from './pkcs11/names.js';
import { didYouMean } from '../core/text/nearest.js';

/** Harness codes that report the card, reader or token under test. */
const EXPECTABLE_HARNESS_CODES: ReadonlySet<string> = new Set([
  HarnessCodes.BAD_TLV, // the card's data is not BER-TLV
  HarnessCodes.BAD_ATR, // the card's ATR cannot be parsed
  HarnessCodes.CARD_ERROR, // the card answered against ISO 7816
  HarnessCodes.TIMEOUT, // the card or reader did not answer in time
  HarnessCodes.CARD_MUTE, // the card did not answer an APDU within the APDU timeout
  HarnessCodes.REFUSED, // a guard kept the card from locking: the card's tries counter said so
  HarnessCodes.NO_OBJECT, // the token does not show an object (private objects need a login)
  HarnessCodes.KEY_MISMATCH, // the token holds a key of another type under the label
]);

/** Every code the harness can report, for checks and "did you mean". */
export function allErrorCodes(): string[] {
  return [...scardCodeNames(), ...returnValues.names(), ...Object.values(HarnessCodes)];
}

export function isExpectableCode(code: string): boolean {
  return code.startsWith('SCARD_') || code.startsWith('CKR_') || EXPECTABLE_HARNESS_CODES.has(code);
}

/**
 * What is wrong with `Then it fails with CODE`, in a spec writer's words, or undefined when
 * CODE can be expected: an unknown code gets the nearest known one, a code of a spec or
 * set-up mistake is refused.
 */
export function checkExpectedCode(code: string): string | undefined {
  const codes = allErrorCodes();
  if (!codes.includes(code)) {
    return `unknown error code ${code}${didYouMean(code, codes)}: write an SCARD_*, CKR_* or CARDSPEC_* code (docs/errors-and-messages.md lists them)`;
  }
  if (!isExpectableCode(code)) {
    return `${code} is a mistake in the spec or its set-up, not a failure of the card or token, so no scenario can expect it: ` +
      `fix the mistake instead (expectable are SCARD_*, CKR_* and ${[...EXPECTABLE_HARNESS_CODES].join(', ')})`;
  }
  return undefined;
}
