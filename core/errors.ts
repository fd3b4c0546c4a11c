/**
 * One base error for everything the harness reports. `code` is stable and is what
 * `Then it fails with CODE` compares; the message is for people. Subclasses per
 * failure domain (PC/SC, PKCS#11, profiles, hex) live next to the code that raises them.
 */
export class HarnessError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/**
 * The harness's own codes, for `Then it fails with CODE`. SCARD_* and CKR_* codes come
 * from the native layers (src/pcsc/errors.ts, src/pkcs11/errors.ts).
 */
export const HarnessCodes = {
  /** Text that should be hex is not (never kept as an expected failure). */
  BAD_HEX: 'CARDSPEC_BAD_HEX',
  /** A `${...}` form names a saved value or variable that does not exist. */
  UNDEFINED_VARIABLE: 'CARDSPEC_UNDEFINED_VARIABLE',
  /** Response data that should be BER-TLV is not. */
  BAD_TLV: 'CARDSPEC_BAD_TLV',
  /** An ATR that cannot be parsed. */
  BAD_ATR: 'CARDSPEC_BAD_ATR',
  /** A card profile is missing or has a mistake. */
  BAD_PROFILE: 'CARDSPEC_BAD_PROFILE',
  /** The hardware target's configuration is missing or has a mistake. */
  BAD_CONFIG: 'CARDSPEC_BAD_CONFIG',
  /** A command line the CLI cannot take (unknown option, missing value, no features). */
  BAD_USAGE: 'CARDSPEC_BAD_USAGE',
  /** A reader named by the configuration is not there. */
  UNKNOWN_READER: 'CARDSPEC_UNKNOWN_READER',
  /** The reader a run needs holds a card that the run did not insert (another run, another virtual card). */
  READER_BUSY: 'CARDSPEC_READER_BUSY',
  /** Waiting for a card, a reader or a daemon took longer than allowed. */
  TIMEOUT: 'CARDSPEC_TIMEOUT',
  /** No card connection where a step needs one. */
  NO_CARD: 'CARDSPEC_NO_CARD',
  /** A step checks a response and no APDU was sent yet. */
  NO_RESPONSE: 'CARDSPEC_NO_RESPONSE',
  /** A card is in the reader where a step needs it out (insert again without removing). */
  CARD_PRESENT: 'CARDSPEC_CARD_PRESENT',
  /** The card did not answer an APDU within the APDU timeout (a mute card). */
  CARD_MUTE: 'CARDSPEC_CARD_MUTE',
  /** The card answered against ISO 7816 (it never stops answering 61xx, say). */
  CARD_ERROR: 'CARDSPEC_CARD_ERROR',
  /** The simulator (in the container) failed in a way no other code names. */
  SIMULATOR_ERROR: 'CARDSPEC_SIMULATOR_ERROR',
  /** The target cannot do what the step asks (e.g. remove a card on hardware). */
  UNSUPPORTED: 'CARDSPEC_UNSUPPORTED',
  /** A guard refused an action that could harm a physical card or token. */
  REFUSED: 'CARDSPEC_REFUSED',
  /** A needed system program or service is missing. */
  MISSING_DEPENDENCY: 'CARDSPEC_MISSING_DEPENDENCY',
  /** No PKCS#11 token with the label the step names. */
  NO_TOKEN: 'CARDSPEC_NO_TOKEN',
  /** No object (key) with the label the step names. */
  NO_OBJECT: 'CARDSPEC_NO_OBJECT',
  /** A key with the label exists but is of another type or size than the step says. */
  KEY_MISMATCH: 'CARDSPEC_KEY_MISMATCH',
  /** A command APDU that cannot be encoded or decoded (lengths that do not add up). */
  BAD_APDU: 'CARDSPEC_BAD_APDU',
  /** A target used before its start or after its stop: a harness bug, never a card's. */
  NOT_STARTED: 'CARDSPEC_NOT_STARTED',
  /** A native layer failed in a way that has no SCARD_* or CKR_* code. */
  NATIVE_ERROR: 'CARDSPEC_NATIVE_ERROR',
  /** A step names a mechanism, key type, hash or error code that does not exist (a spec mistake). */
  UNKNOWN_NAME: 'CARDSPEC_UNKNOWN_NAME',
  /** `Then it fails with` names a code that stands for a spec or set-up mistake, or follows no failing step. */
  BAD_EXPECTATION: 'CARDSPEC_BAD_EXPECTATION',
} as const;

/** The harness's own codes. */
export type HarnessCode = (typeof HarnessCodes)[keyof typeof HarnessCodes];
/** Every code an error can carry: the harness's, PC/SC's (SCARD_*) and PKCS#11's (CKR_*). */
export type ErrorCode = HarnessCode | `SCARD_${string}` | `CKR_${string}`;

const HARNESS_CODES: ReadonlySet<string> = new Set(Object.values(HarnessCodes));

/** Whether `text` is a code an error can carry (for codes that crossed a wire or came from a table). */
export function isErrorCode(text: string): text is ErrorCode {
  return HARNESS_CODES.has(text) || /^(SCARD|CKR)_\w+$/.test(text);
}
