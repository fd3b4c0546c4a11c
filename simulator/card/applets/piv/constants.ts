/**
 * Numbers of NIST SP 800-73-4 (part 1 tables 3 and 4, part 2) and of YubiKey's PIV
 * extensions that the PIV applet and its profile share.
 */
import { Ins } from '../../../../core/apdu/ins.js';

/** The PIV card application's AID: NIST RID A0 00 00 03 08, PIX 00 00 10 00 01 00 (version 01 00). */
export const PIV_AID = Buffer.from('A000000308000010000100', 'hex');

/** Cryptographic mechanism identifiers (SP 800-78-4 table 6-2), P1 of GENERAL AUTHENTICATE. */
export const ALG = {
  TDES: 0x03,
  RSA3072: 0x05,
  RSA1024: 0x06,
  RSA2048: 0x07,
  AES128: 0x08,
  AES192: 0x0a,
  AES256: 0x0c,
  ECCP256: 0x11,
  ECCP384: 0x14,
} as const;

/** Key references (SP 800-73-4 part 1 table 4). */
export const KEY = {
  PIN: 0x80,
  PUK: 0x81,
  MANAGEMENT: 0x9b,
  AUTHENTICATION: 0x9a,
  SIGNATURE: 0x9c,
  KEY_MANAGEMENT: 0x9d,
  CARD_AUTHENTICATION: 0x9e,
} as const;

/** The 20 retired key management slots 82..95. */
export const RETIRED_SLOTS: readonly number[] = Array.from({ length: 20 }, (_, i) => 0x82 + i);

/** Slots that hold an asymmetric key, each with its certificate's data object. */
export const CERT_OBJECT_OF_SLOT: ReadonlyMap<number, number> = new Map([
  [KEY.AUTHENTICATION, 0x5fc105],
  [KEY.SIGNATURE, 0x5fc10a],
  [KEY.KEY_MANAGEMENT, 0x5fc10b],
  [KEY.CARD_AUTHENTICATION, 0x5fc101],
  ...RETIRED_SLOTS.map((slot, i): [number, number] => [slot, 0x5fc10d + i]),
]);

/** Data objects (SP 800-73-4 part 1 table 3). */
export const OBJECT = {
  CCC: 0x5fc107,
  CHUID: 0x5fc102,
  FINGERPRINTS: 0x5fc103,
  SECURITY_OBJECT: 0x5fc106,
  FACIAL_IMAGE: 0x5fc108,
  PRINTED_INFORMATION: 0x5fc109,
  DISCOVERY: 0x7e,
  KEY_HISTORY: 0x5fc10c,
  IRIS_IMAGES: 0x5fc121,
  BIOMETRIC_GROUP_TEMPLATE: 0x7f61,
  SM_CERT_SIGNER: 0x5fc122,
  PAIRING_CODE: 0x5fc123,
} as const;

/** Objects only read after the PIN (SP 800-73-4 part 1 table 3: access rule "PIN"). */
export const PIN_PROTECTED_OBJECTS: ReadonlySet<number> = new Set([
  OBJECT.FINGERPRINTS,
  OBJECT.FACIAL_IMAGE,
  OBJECT.PRINTED_INFORMATION,
  OBJECT.IRIS_IMAGES,
  OBJECT.PAIRING_CODE,
]);

/** Objects that are not wrapped in tag 53 (they are their own template). */
export const SELF_TAGGED_OBJECTS: ReadonlySet<number> = new Set([OBJECT.DISCOVERY, OBJECT.BIOMETRIC_GROUP_TEMPLATE]);

/** YubiKey's vendor objects (admin data, attestation...), 5FFF00 to 5FFF15. */
export const YUBICO_OBJECTS: readonly number[] = Array.from({ length: 0x16 }, (_, i) => 0x5fff00 + i);

/** Every object GET DATA and PUT DATA know (YubiKey's only when the profile has a `yubikey:` part). */
export const PIV_OBJECTS: ReadonlySet<number> = new Set([...Object.values(OBJECT), ...CERT_OBJECT_OF_SLOT.values()]);

/** Instructions (SP 800-73-4 part 2 table 8, and YubiKey's extensions); the PIN ones are ISO 7816-4's. */
export const INS = {
  VERIFY: Ins.VERIFY,
  CHANGE_REFERENCE_DATA: Ins.CHANGE_REFERENCE_DATA,
  RESET_RETRY_COUNTER: Ins.RESET_RETRY_COUNTER,
  GENERATE_ASYMMETRIC_KEY_PAIR: 0x47,
  GENERAL_AUTHENTICATE: 0x87,
  GET_DATA: 0xcb,
  PUT_DATA: 0xdb,
  YK_GET_METADATA: 0xf7,
  YK_GET_SERIAL: 0xf8,
  YK_SET_PIN_RETRIES: 0xfa,
  YK_RESET: 0xfb,
  YK_GET_VERSION: 0xfd,
  YK_SET_MANAGEMENT_KEY: 0xff,
} as const;

/** Status words of SP 800-73-4 part 2 that the ISO set of sw.ts does not name. */
export const PIV_SW = {
  WRONG_DATA: 0x6a80,
  REFERENCE_NOT_FOUND: 0x6a88,
} as const;

/** PINs and PUKs travel as 8 bytes, padded with FF (SP 800-73-4 part 2 2.4.3). */
export const PIN_BLOCK_BYTES = 8;
