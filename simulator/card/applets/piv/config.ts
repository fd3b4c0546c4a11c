/**
 * The `type: piv` entry of a profile's `applets:` (docs/piv.md), checked once per
 * profile. Everything has a default, the vendors' factory settings: PIN 123456 and PUK
 * 12345678 with 3 tries each, management key 01 02 .. 08 (3DES), no keys.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { hexNumber, integer, bytes, oneOf } from '../../../../core/profile/values.js';
import { Cursor } from '../../../../core/profile/cursor.js';
import type { BlockingTryAnswer } from '../../pins.js';
import { CERT_OBJECT_OF_SLOT, KEY, OBJECT, PIN_BLOCK_BYTES, PIV_OBJECTS, YUBICO_OBJECTS } from './constants.js';
import { type PinPolicy, SlotKey, algorithmOf, readPrivateKey } from './keys.js';
import { MANAGEMENT_ALGORITHMS, managementKeyBytes } from './management-key.js';
import { certificateContainer, defaultCcc, defaultChuid, defaultDiscovery, defaultKeyHistory, defaultPrintedInformation } from './objects.js';

export interface PivSecretSpec {
  /** Padded with FF to 8 bytes. */
  value: Buffer;
  tries: number;
}

export interface PivKeySpec {
  slot: number;
  /** PEM or DER bytes of the private key (a card gets its own key object from them). */
  privateKey: Buffer;
  pinPolicy: PinPolicy;
}

export interface PivConfig {
  label: string;
  pin: PivSecretSpec;
  puk: PivSecretSpec;
  blockingTry: BlockingTryAnswer;
  managementKey: { algorithm: number; value: Buffer };
  keys: PivKeySpec[];
  /** Data object contents by tag (what GET DATA answers inside 53), defaults included. */
  objects: Map<number, Buffer>;
  yubikey: { version: [number, number, number]; serial: number } | undefined;
  maxObjectBytes: number;
}

const FIELDS = ['type', 'label', 'pin', 'puk', 'lastTry', 'managementKey', 'keys', 'objects', 'yubikey'] as const;
/** The factory values of a YubiKey's PIV application, which the card starts with unless its profile says otherwise. */
export const FACTORY_MANAGEMENT_KEY = Buffer.from('010203040506070801020304050607080102030405060708', 'hex');
/** SP 800-73-4 part 1 table 4: who must show the PIN before each slot's key is used. */
export const DEFAULT_PIN_POLICY: Record<number, PinPolicy> = {
  [KEY.AUTHENTICATION]: 'once',
  [KEY.SIGNATURE]: 'always',
  [KEY.KEY_MANAGEMENT]: 'once',
  [KEY.CARD_AUTHENTICATION]: 'never',
};
/** YubiKey's largest data object. */
const MAX_OBJECT_BYTES = 3052;

function slotName(slot: number): string {
  return slot.toString(16).toUpperCase();
}

/**
 * A PIN or PUK: 4 to 8 bytes (ascii:123456), padded with FF to the 8 bytes of the PIN block.
 * SP 800-73-4 asks 6 to 8 of a PIN a cardholder sets (CHANGE REFERENCE DATA keeps that rule);
 * a profile may start shorter, as OpenSC's PIV driver accepts 4 to 8: the harness's PIV
 * token card keeps the simulated tokens' PINs 1234 and 5678 (docs/piv.md).
 */
function secret(c: Cursor | undefined, what: string, factory: Buffer, tries: number): PivSecretSpec {
  if (c === undefined || !c.present) return { value: factory, tries };
  const f = c.fields(['value', 'tries'], `the ${what}: a mapping with value and tries`);
  const v = f.get('value');
  const t = f.get('tries');
  let value = factory;
  if (v !== undefined) {
    const raw = bytes(v);
    if (raw.length < 4 || raw.length > PIN_BLOCK_BYTES) v.fail(`a ${what} of 4 to 8 bytes`, `${raw.length} bytes`);
    if (raw.includes(0xff)) v.fail(`a ${what} without FF bytes (FF pads the PIN block)`);
    value = pad(raw);
  }
  return { value, tries: t === undefined ? tries : integer(t, 1, 15) };
}

function pad(value: Buffer): Buffer {
  return Buffer.concat([value, Buffer.alloc(PIN_BLOCK_BYTES - value.length, 0xff)]);
}

/** The factory PIN and PUK as PIN blocks. */
export const FACTORY_PIN = pad(Buffer.from('123456', 'latin1'));
export const FACTORY_PUK = pad(Buffer.from('12345678', 'latin1'));

function readRelative(c: Cursor, what: string): { data: Buffer; file: string } {
  const name = c.text(`a file name of ${what}, relative to the profile`);
  const file = resolve(dirname(resolve(c.source.file)), name);
  try {
    return { data: readFileSync(file), file };
  } catch (err) {
    return c.fail(`a readable file of ${what}`, `"${name}" (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

function keys(list: Cursor | undefined, objects: Map<number, Buffer>): PivKeySpec[] {
  if (list === undefined) return [];
  const out: PivKeySpec[] = [];
  for (const item of list.items('a list of keys, each with slot, privateKey and certificate')) {
    const f = item.fields(['slot', 'privateKey', 'certificate', 'pinPolicy'], 'a key: a mapping with slot, privateKey, certificate, pinPolicy');
    const slotCursor = Cursor.field(f, item, 'slot');
    const slot = hexNumber(slotCursor, 2, 'a key slot in hex: 9A, 9C, 9D, 9E or 82 to 95');
    if (!CERT_OBJECT_OF_SLOT.has(slot)) slotCursor.fail('a key slot in hex: 9A, 9C, 9D, 9E or 82 to 95');
    if (out.some((k) => k.slot === slot)) slotCursor.fail('a slot no other key of this list has');
    const keyCursor = Cursor.field(f, item, 'privateKey');
    if (!keyCursor.present) keyCursor.fail('a private key file (PEM or DER PKCS#8)', 'nothing');
    const keyFile = readRelative(keyCursor, 'a private key');
    let privateKey;
    try {
      privateKey = readPrivateKey(keyFile.data);
    } catch (err) {
      return keyCursor.fail('a private key in PEM or DER (PKCS#8)', `${keyFile.file}: ${(err as Error).message}`);
    }
    const algorithm = algorithmOf(privateKey);
    if (typeof algorithm === 'string') keyCursor.fail('an RSA 1024/2048/3072 or EC P-256/P-384 key', algorithm);
    const policyCursor = f.get('pinPolicy');
    const pinPolicy = policyCursor === undefined ? (DEFAULT_PIN_POLICY[slot] ?? 'once') : oneOf(policyCursor, ['never', 'once', 'always'] as const);
    const certCursor = f.get('certificate');
    if (certCursor !== undefined) {
      const certFile = readRelative(certCursor, 'a certificate');
      let cert: X509Certificate;
      try {
        cert = new X509Certificate(certFile.data);
      } catch (err) {
        return certCursor.fail('an X.509 certificate in PEM or DER', `${certFile.file}: ${(err as Error).message}`);
      }
      if (!new SlotKey(privateKey, algorithm as number, pinPolicy, 'imported').matches(cert.publicKey)) {
        certCursor.fail(`the certificate of the private key of slot ${slotName(slot)}`, 'a certificate for another key');
      }
      objects.set(CERT_OBJECT_OF_SLOT.get(slot)!, certificateContainer(Buffer.from(cert.raw)));
    }
    out.push({ slot, privateKey: keyFile.data, pinPolicy });
  }
  return out;
}

/** `objects:` entries replace the defaults: `- { tag: 5FC109, content: ... }`; empty content removes one. */
function objectOverrides(list: Cursor | undefined, objects: Map<number, Buffer>, yubikey: boolean): void {
  if (list === undefined) return;
  for (const item of list.items('a list of data objects, each with tag and content')) {
    const f = item.fields(['tag', 'content'], 'a data object: a mapping with tag and content');
    const tagCursor = Cursor.field(f, item, 'tag');
    const tag = hexNumber(tagCursor, 6, 'a data object tag in hex, e.g. 5FC102');
    if (!PIV_OBJECTS.has(tag) && !(yubikey && YUBICO_OBJECTS.includes(tag))) tagCursor.fail('a PIV data object tag (SP 800-73-4 part 1 table 3), e.g. 5FC102');
    const contentCursor = Cursor.field(f, item, 'content');
    const content = contentCursor.present ? bytes(contentCursor) : Buffer.alloc(0);
    if (content.length > MAX_OBJECT_BYTES) contentCursor.fail(`at most ${MAX_OBJECT_BYTES} bytes`, `${content.length} bytes`);
    if (content.length === 0) objects.delete(tag);
    else objects.set(tag, content);
  }
}

function yubikeyPart(c: Cursor | undefined): PivConfig['yubikey'] {
  if (c === undefined) return undefined;
  const f = c.fields(['version', 'serial'], 'YubiKey answers: a mapping with version and serial');
  const versionCursor = Cursor.field(f, c, 'version');
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(versionCursor.present ? versionCursor.text('') : '5.4.3');
  if (m === null || m.slice(1).some((n) => Number(n) > 255)) return versionCursor.fail('a version like 5.4.3 (three numbers of 0 to 255)');
  const serialCursor = f.get('serial');
  const serial = serialCursor === undefined ? 12345678 : integer(serialCursor, 0, 0xffffffff);
  return { version: [Number(m[1]), Number(m[2]), Number(m[3])], serial };
}

export function pivConfig(entry: Cursor): PivConfig {
  const f = entry.fields(FIELDS, `a PIV applet: a mapping with ${FIELDS.join(', ')}`);
  const label = f.get('label')?.text('a label (text)') ?? 'cardspec virtual PIV';
  const pin = secret(f.get('pin'), 'PIN', FACTORY_PIN, 3);
  const puk = secret(f.get('puk'), 'PUK', FACTORY_PUK, 3);
  const lastTryCursor = f.get('lastTry');
  const blockingTry = lastTryCursor === undefined ? '6983' : oneOf(lastTryCursor, ['6983', '63C0'] as const);

  let managementKey: PivConfig['managementKey'] = { algorithm: MANAGEMENT_ALGORITHMS['3DES']!, value: FACTORY_MANAGEMENT_KEY };
  const mk = f.get('managementKey');
  if (mk !== undefined) {
    const mf = mk.fields(['algorithm', 'value'], 'a management key: a mapping with algorithm and value');
    const algCursor = mf.get('algorithm');
    const algorithm = MANAGEMENT_ALGORITHMS[algCursor === undefined ? '3DES' : oneOf(algCursor, Object.keys(MANAGEMENT_ALGORITHMS))]!;
    const valueCursor = Cursor.field(mf, mk, 'value');
    const value = valueCursor.present ? bytes(valueCursor) : FACTORY_MANAGEMENT_KEY;
    const want = managementKeyBytes(algorithm)!;
    if (value.length !== want) (valueCursor.present ? valueCursor : mk).fail(`a key of ${want} bytes for this algorithm`, `${value.length} bytes`);
    managementKey = { algorithm, value };
  }

  const yubikey = yubikeyPart(f.get('yubikey'));
  const objects = new Map<number, Buffer>([
    [OBJECT.CHUID, defaultChuid(Buffer.from('cardspec-piv-001', 'latin1'))],
    [OBJECT.CCC, defaultCcc(Buffer.from('cardspec-piv01', 'latin1'))],
    [OBJECT.DISCOVERY, defaultDiscovery()],
    [OBJECT.KEY_HISTORY, defaultKeyHistory()],
    [OBJECT.PRINTED_INFORMATION, defaultPrintedInformation()],
  ]);
  const keyList = keys(f.get('keys'), objects);
  objectOverrides(f.get('objects'), objects, yubikey !== undefined);
  return { label, pin, puk, blockingTry, managementKey, keys: keyList, objects, yubikey, maxObjectBytes: MAX_OBJECT_BYTES };
}
