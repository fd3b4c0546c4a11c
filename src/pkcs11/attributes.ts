import { endianness } from 'node:os';
import { toHex } from '../../core/apdu/hex.js';
import { HarnessCodes, HarnessError } from '../../core/errors.js';
import { attributes, keyTypes, mechanisms, objectClasses, type ConstantTable } from './names.js';

/**
 * Attribute values as specs write them (docs/steps.md): text for CKA_LABEL, hex for byte
 * arrays such as CKA_ID, `true`/`false` for booleans, decimal for numbers. Numbers that
 * name a constant (CKA_CLASS, CKA_KEY_TYPE, CKA_KEY_GEN_MECHANISM) also take the name.
 */
export type AttributeKind = 'text' | 'bytes' | 'boolean' | 'number';
export type AttributeValue = string | Buffer | boolean | number;

const TEXT = new Set(['CKA_LABEL', 'CKA_APPLICATION', 'CKA_URL']);
const BOOLEAN = new Set([
  'CKA_TOKEN', 'CKA_PRIVATE', 'CKA_MODIFIABLE', 'CKA_COPYABLE', 'CKA_DESTROYABLE', 'CKA_TRUSTED',
  'CKA_SENSITIVE', 'CKA_EXTRACTABLE', 'CKA_ALWAYS_SENSITIVE', 'CKA_NEVER_EXTRACTABLE', 'CKA_LOCAL',
  'CKA_ENCRYPT', 'CKA_DECRYPT', 'CKA_SIGN', 'CKA_SIGN_RECOVER', 'CKA_VERIFY', 'CKA_VERIFY_RECOVER',
  'CKA_WRAP', 'CKA_UNWRAP', 'CKA_DERIVE', 'CKA_WRAP_WITH_TRUSTED', 'CKA_ALWAYS_AUTHENTICATE',
]);
/** Number attributes, with the constants their values name where they do. */
const NUMBER = new Map<string, ConstantTable | undefined>([
  ['CKA_CLASS', objectClasses],
  ['CKA_KEY_TYPE', keyTypes],
  ['CKA_KEY_GEN_MECHANISM', mechanisms],
  ['CKA_MODULUS_BITS', undefined],
  ['CKA_VALUE_LEN', undefined],
  ['CKA_VALUE_BITS', undefined],
  ['CKA_CERTIFICATE_TYPE', undefined],
  ['CKA_CERTIFICATE_CATEGORY', undefined],
]);

/** CK_UNAVAILABLE_INFORMATION: what tokens answer for a number they do not know (CKA_KEY_GEN_MECHANISM of an imported key). */
const UNAVAILABLE = 2 ** 64 - 1;

export function attributeKind(name: string): AttributeKind {
  attributes.value(name);
  if (TEXT.has(name)) return 'text';
  if (BOOLEAN.has(name)) return 'boolean';
  if (NUMBER.has(name)) return 'number';
  return 'bytes';
}

/**
 * A value as the step wrote it: text for text attributes (escapes already applied), the
 * parsed bytes for byte arrays, `true`/`false` or a number (or a constant's name) otherwise.
 */
export function parseAttributeValue(name: string, written: string | Buffer): AttributeValue {
  const kind = attributeKind(name);
  if (kind === 'bytes' || kind === 'text') return written;
  const text = written.toString();
  if (kind === 'boolean') {
    if (text !== 'true' && text !== 'false') throw new HarnessError(HarnessCodes.UNSUPPORTED, `${name} is true or false, not "${text}"`);
    return text === 'true';
  }
  if (/^\d+$/.test(text)) return Number(text);
  const table = NUMBER.get(name);
  if (table) return table.value(text);
  throw new HarnessError(HarnessCodes.UNSUPPORTED, `${name} is a decimal number, not "${text}"`);
}

/** The value the token returned, decoded by the attribute's kind. */
export function decodeAttributeValue(name: string, raw: Buffer): AttributeValue {
  switch (attributeKind(name)) {
    case 'text':
      return raw.toString('utf8');
    case 'boolean':
      return raw.length > 0 && raw[0] !== 0;
    case 'number':
      return readUlong(raw);
    case 'bytes':
      return raw;
  }
}

/** The value for people: "signer", 01 02 03, true, 3 (CKK_EC). */
export function formatAttributeValue(name: string, value: AttributeValue): string {
  if (Buffer.isBuffer(value)) return value.length ? toHex(value) : '(empty)';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (value === UNAVAILABLE) return 'CK_UNAVAILABLE_INFORMATION';
    const table = NUMBER.get(name);
    return table ? `${value} (${table.name(value)})` : String(value);
  }
  return String(value);
}

export function sameAttributeValue(a: AttributeValue, b: AttributeValue): boolean {
  return Buffer.isBuffer(a) && Buffer.isBuffer(b) ? a.equals(b) : a === b;
}

/** A CK_ULONG attribute value: as wide as the platform's unsigned long, in its byte order. */
export function readUlong(raw: Buffer): number {
  const little = endianness() === 'LE';
  if (raw.length === 8) return Number(little ? raw.readBigUInt64LE() : raw.readBigUInt64BE());
  if (raw.length === 4) return little ? raw.readUInt32LE() : raw.readUInt32BE();
  throw new HarnessError(HarnessCodes.UNSUPPORTED, `a CK_ULONG has 4 or 8 bytes, not ${raw.length}`);
}
