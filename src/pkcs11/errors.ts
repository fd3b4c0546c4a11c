import pkcs11js from 'pkcs11js';
import { HarnessCodes, HarnessError } from '../../core/errors.js';
import { returnValues } from './names.js';

/** What a person should check for the return values that specs meet most. */
const HINTS: Readonly<Record<string, string>> = {
  CKR_ARGUMENTS_BAD: 'the module rejected an argument of the call',
  CKR_ATTRIBUTE_READ_ONLY: 'the attribute cannot be changed on this object',
  CKR_ATTRIBUTE_SENSITIVE: 'the token will not reveal this attribute (a sensitive or unextractable key)',
  CKR_ATTRIBUTE_TYPE_INVALID: 'the object has no such attribute',
  CKR_ATTRIBUTE_VALUE_INVALID: 'the token refused the attribute value',
  CKR_CRYPTOKI_ALREADY_INITIALIZED: 'the module was initialised twice in this process',
  CKR_CRYPTOKI_NOT_INITIALIZED: 'the module is not initialised (C_Initialize) or was finalized',
  CKR_DATA_INVALID: 'the token refused the input data',
  CKR_DATA_LEN_RANGE: 'the input is too long or too short for the mechanism and key (raw RSA takes at most the modulus length minus 11 bytes)',
  CKR_DEVICE_ERROR: 'the token reported a device error',
  CKR_DEVICE_REMOVED: 'the token was removed during the call',
  CKR_ENCRYPTED_DATA_INVALID: 'the ciphertext does not decrypt with this key and mechanism (tampered, or another key)',
  CKR_ENCRYPTED_DATA_LEN_RANGE: 'the ciphertext has the wrong length for this key',
  CKR_FUNCTION_NOT_SUPPORTED: 'the module does not implement this function',
  CKR_GENERAL_ERROR: 'the module failed without saying why: check its log (SoftHSM: log.level = DEBUG in softhsm2.conf)',
  CKR_KEY_FUNCTION_NOT_PERMITTED: 'the key does not allow this use (CKA_SIGN, CKA_DECRYPT, ... is false)',
  CKR_KEY_HANDLE_INVALID: 'the key handle is not valid in this session',
  CKR_KEY_SIZE_RANGE: 'the token does not support this key size',
  CKR_KEY_TYPE_INCONSISTENT: 'the key type does not fit the mechanism (an EC key with an RSA mechanism?)',
  CKR_MECHANISM_INVALID: 'the token does not offer this mechanism for this operation',
  CKR_MECHANISM_PARAM_INVALID: 'the token refused the mechanism parameters (hash, MGF, salt or label)',
  CKR_OBJECT_HANDLE_INVALID: 'the object handle is not valid in this session',
  CKR_OPERATION_ACTIVE: 'another operation is still active in the session',
  CKR_OPERATION_NOT_INITIALIZED: 'the operation was not initialised (the matching *Init call failed or was skipped)',
  CKR_PIN_EXPIRED: 'the PIN has expired and must be changed',
  CKR_PIN_INCORRECT: 'the PIN is wrong',
  CKR_PIN_LEN_RANGE: 'the PIN is too long or too short for this token',
  CKR_PIN_LOCKED: 'the PIN is blocked: too many wrong tries; unblock it with the SO PIN',
  CKR_SESSION_CLOSED: 'the session was closed during the call',
  CKR_SESSION_HANDLE_INVALID: 'the session is closed or was never opened',
  CKR_SESSION_READ_ONLY: 'the session is read-only; objects need a read-write session',
  CKR_SESSION_READ_ONLY_EXISTS: 'a read-only session is open, so the SO cannot log in',
  CKR_SIGNATURE_INVALID: 'the signature does not match the data and key',
  CKR_SIGNATURE_LEN_RANGE: 'the signature has the wrong length for this key',
  CKR_SLOT_ID_INVALID: 'the slot does not exist: tokens move to new slots when initialised, find them by label',
  CKR_TEMPLATE_INCOMPLETE: 'the template misses an attribute the token needs',
  CKR_TEMPLATE_INCONSISTENT: 'the template has attributes that contradict each other or the object class',
  CKR_TOKEN_NOT_PRESENT: 'the token is not in its slot',
  CKR_TOKEN_NOT_RECOGNIZED: 'the module does not recognise the token',
  CKR_TOKEN_WRITE_PROTECTED: 'the token is write-protected',
  CKR_USER_ALREADY_LOGGED_IN: 'a user is already logged in to this token',
  CKR_USER_ANOTHER_ALREADY_LOGGED_IN: 'the other user type (user or SO) is logged in: log out first',
  CKR_USER_NOT_LOGGED_IN: 'the call needs a login: add "Given I am logged in as the user with PIN ..."',
  CKR_USER_PIN_NOT_INITIALIZED: 'the user PIN was never set (C_InitPIN)',
  CKR_USER_TYPE_INVALID: 'the user type is not user, SO or context-specific',
};

/**
 * A failed PKCS#11 call: `code` is the CKR_* name (what `Then it fails with` compares),
 * with its value, the function that returned it, and a hint for people.
 */
export class Pkcs11Error extends HarnessError {
  readonly value: number;
  readonly functionName: string;
  readonly hint: string;

  constructor(value: number, functionName: string, detail?: string, options?: { cause?: unknown }) {
    const name = returnValues.name(value);
    const hint = HINTS[name] ?? 'see the PKCS#11 specification for this return value';
    const hex = `0x${value.toString(16).toUpperCase().padStart(8, '0')}`;
    super(name as `CKR_${string}`, `${functionName} failed: ${name} (${hex}): ${hint}${detail ? `; ${detail}` : ''}`, options);
    this.value = value;
    this.functionName = functionName;
    this.hint = hint;
  }
}

/** The Pkcs11Error for a CKR_* name (the name must be known). */
export function pkcs11Error(name: string, functionName: string, detail?: string): Pkcs11Error {
  return new Pkcs11Error(returnValues.value(name), functionName, detail);
}

/** How pkcs11js's native layer writes a CK_RV into an error message: `CKR_PIN_INCORRECT:160`. */
const NATIVE_RV = /^(CKR_\w+):(\d+)/;

/**
 * Turns what pkcs11js threw into a Pkcs11Error, once, at the native boundary. pkcs11js
 * wraps most native errors into its Pkcs11Error (CK_RV in `code`), but the methods its
 * JS class overrides (C_SetAttributeValue, C_CreateObject, C_CopyObject) let the raw
 * native error through, whose message starts with `CKR_NAME:value`: read here, and
 * nowhere above. Other errors (a wrong argument type) fail the step naming the function.
 */
export function fromNativeError(error: unknown, functionName: string): Error {
  if (error instanceof Pkcs11Error) return error;
  if (error instanceof pkcs11js.Pkcs11Error && error.code !== 0) {
    return new Pkcs11Error(error.code, functionName, undefined, { cause: error });
  }
  const rv = error instanceof Error ? NATIVE_RV.exec(error.message) : null;
  if (rv) return new Pkcs11Error(Number(rv[2]), functionName, undefined, { cause: error });
  const detail = error instanceof Error ? error.message : String(error);
  return new HarnessError(HarnessCodes.NATIVE_ERROR, `${functionName} failed: ${detail}`, { cause: error });
}
