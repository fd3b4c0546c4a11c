import { randomBytes } from 'node:crypto';
import pkcs11js from 'pkcs11js';
import { curveByEcParams } from '../crypto/curves.js';
import { DerTag, encodeDer } from '../crypto/der.js';
import type { KeyType, KeyTypeName } from '../crypto/key-types.js';
import type { PrivateKeyComponents } from '../crypto/private-key.js';
import { HarnessCodes, HarnessError } from '../../core/errors.js';
import { readUlong } from './attributes.js';
import { keyTypes, mechanisms } from './names.js';
import type { Pkcs11Session } from './session.js';

/** The two halves of a key pair, found by label. */
export interface KeyPairHandles {
  privateKey: pkcs11js.Handle | undefined;
  publicKey: pkcs11js.Handle | undefined;
}

export interface KeyPairOptions {
  /** CKA_TOKEN: persistent objects, or session objects that vanish with the session. */
  tokenObjects: boolean;
  /** CKA_ID shared by both keys; random when not given. */
  id?: Buffer;
  /**
   * On tokens made for the run: copy the pair from seed `ordinal` of its type
   * (copyKeyPairFromSeed) instead of generating it, once `madeAhead` (TokenAccess.keySeeds)
   * says whether the seed was made in the background. Unset: C_GenerateKeyPair.
   */
  seed?: { ordinal: number; madeAhead: SeedsMadeAhead };
}

/**
 * Resolves to true once seed `ordinal` of `keyType` was made on the token by another
 * process (seed-maker.ts), to false when it was not planned or could not be made: then
 * it is made here.
 */
export type SeedsMadeAhead = (keyType: KeyTypeName, ordinal: number) => Promise<boolean>;

const ID_BYTES = 8;
const RSA_PUBLIC_EXPONENT = Buffer.from([0x01, 0x00, 0x01]);

export function findByLabel(session: Pkcs11Session, label: string, objectClass?: number): pkcs11js.Handle[] {
  const template: pkcs11js.Template = [{ type: pkcs11js.CKA_LABEL, value: label }];
  if (objectClass !== undefined) template.push({ type: pkcs11js.CKA_CLASS, value: objectClass });
  return session.findObjects(template);
}

export function findKeyPair(session: Pkcs11Session, label: string): KeyPairHandles {
  return {
    privateKey: findByLabel(session, label, pkcs11js.CKO_PRIVATE_KEY)[0],
    publicKey: findByLabel(session, label, pkcs11js.CKO_PUBLIC_KEY)[0],
  };
}

/** The private (sign, decrypt) or public (verify, encrypt) key labelled `label`, or NO_OBJECT. */
export function requireKey(session: Pkcs11Session, label: string, half: 'private' | 'public'): pkcs11js.Handle {
  const objectClass = half === 'private' ? pkcs11js.CKO_PRIVATE_KEY : pkcs11js.CKO_PUBLIC_KEY;
  const key = findByLabel(session, label, objectClass)[0];
  if (!key) {
    throw new HarnessError(HarnessCodes.NO_OBJECT, `no ${half} key labelled "${label}" on the token (a private key needs a login to be seen)`);
  }
  return key;
}

/**
 * The key pair labelled `label`: generated when no key has that label, kept when one of
 * the same type exists, refused (KEY_MISMATCH) when the existing key is of another type.
 */
export async function ensureKeyPair(session: Pkcs11Session, label: string, keyType: KeyType, options: KeyPairOptions): Promise<KeyPairHandles> {
  const existing = findKeyPair(session, label);
  const someKey = existing.publicKey ?? existing.privateKey;
  if (someKey) {
    const found = describeKey(session, someKey);
    if (found !== keyType.name) {
      throw new HarnessError(HarnessCodes.KEY_MISMATCH, `the key labelled "${label}" is ${found}, not ${keyType.name}`);
    }
    return existing;
  }
  if (options.seed !== undefined) return copyKeyPairFromSeed(session, label, keyType, options.seed, options);
  return generateKeyPair(session, keyType, label, options, `the key pair "${label}"`);
}

/** C_GenerateKeyPair of `keyType` labelled `label`; `what` names it in a write guard's refusal. */
function generateKeyPair(session: Pkcs11Session, keyType: KeyType, label: string, options: KeyPairOptions, what?: string): Promise<pkcs11js.KeyPair> {
  const { mechanism, publicTemplate, privateTemplate } = generationTemplates(keyType, label, options);
  return session.generateKeyPair({ name: mechanism, native: { mechanism: mechanisms.value(mechanism) } }, publicTemplate, privateTemplate, what);
}

/** C_GenerateKeyPair's mechanism and templates for a key type. */
export function generationTemplates(keyType: KeyType, label: string, options: KeyPairOptions) {
  const common = commonAttributes(label, options);
  const rsa = keyType.kind === 'rsa';
  const edwards = keyType.kind === 'ec' && keyType.curve.family === 'edwards';
  const publicTemplate: pkcs11js.Template = [...common, { type: pkcs11js.CKA_VERIFY, value: true }];
  const privateTemplate: pkcs11js.Template = [...privateKeyPolicy(), ...common, { type: pkcs11js.CKA_SIGN, value: true }];
  if (keyType.kind === 'rsa') {
    publicTemplate.push(
      { type: pkcs11js.CKA_ENCRYPT, value: true },
      { type: pkcs11js.CKA_MODULUS_BITS, value: keyType.modulusBits },
      { type: pkcs11js.CKA_PUBLIC_EXPONENT, value: RSA_PUBLIC_EXPONENT },
    );
    privateTemplate.push({ type: pkcs11js.CKA_DECRYPT, value: true });
  } else {
    publicTemplate.push({ type: pkcs11js.CKA_EC_PARAMS, value: keyType.curve.ecParams });
  }
  const mechanism = rsa ? 'CKM_RSA_PKCS_KEY_PAIR_GEN' : edwards ? 'CKM_EC_EDWARDS_KEY_PAIR_GEN' : 'CKM_EC_KEY_PAIR_GEN';
  return { mechanism, publicTemplate, privateTemplate };
}

/*
 * Seeds, on tokens made for the run (the simulator's SoftHSM tokens). C_GenerateKeyPair of
 * RSA takes SoftHSM 0.1-2 s a key, and most scenarios only use their keys: so a token keeps
 * seed key pairs, generated with C_GenerateKeyPair (as token objects) the first time a
 * scenario asks for one, and every scenario gets its own copy (C_CopyObject) with its
 * label, CKA_ID and CKA_TOKEN. A copy of a generated key is what a generated key is:
 * CKA_LOCAL, CKA_ALWAYS_SENSITIVE and CKA_NEVER_EXTRACTABLE carry over (PKCS#11 2.40,
 * 4.7 and 4.9). The first key pair of a type in a scenario is copied from seed 1, the
 * second from seed 2...: two labels of one scenario are never the same key. Physical
 * tokens never get seeds: nothing is written on them unless a scenario says so.
 */

/** Seed labels start with this; a scenario's own labels should not. */
export const SEED_LABEL_PREFIX = 'cardspec seed ';

export function seedLabel(keyType: KeyType, ordinal: number): string {
  return `${SEED_LABEL_PREFIX}${keyType.name} #${ordinal}`;
}

/** Seed `ordinal` of `keyType` on the session's token, generated (as token objects) if it is not there yet. */
export async function makeSeed(session: Pkcs11Session, keyType: KeyType, ordinal: number): Promise<{ privateKey: pkcs11js.Handle; publicKey: pkcs11js.Handle }> {
  const label = seedLabel(keyType, ordinal);
  const found = findKeyPair(session, label);
  if (found.privateKey !== undefined && found.publicKey !== undefined) return { privateKey: found.privateKey, publicKey: found.publicKey };
  return generateKeyPair(session, keyType, label, { tokenObjects: true });
}

/** A key pair of `keyType` labelled `label`: a copy of seed `seed.ordinal` of its type, as session or token objects. */
async function copyKeyPairFromSeed(session: Pkcs11Session, label: string, keyType: KeyType, seed: { ordinal: number; madeAhead: SeedsMadeAhead }, options: KeyPairOptions): Promise<KeyPairHandles> {
  const { ordinal } = seed;
  // Made ahead or not, the seed is looked for on the token and made here if it is missing.
  await seed.madeAhead(keyType.name, ordinal);
  const { privateKey, publicKey } = await makeSeed(session, keyType, ordinal);
  const template = commonAttributes(label, options);
  return { publicKey: session.copyObject(publicKey, template), privateKey: session.copyObject(privateKey, template) };
}

/** Creates both objects of an imported key pair (C_CreateObject) with one label and one CKA_ID. */
export function importKeyPair(session: Pkcs11Session, label: string, key: PrivateKeyComponents, options: KeyPairOptions): KeyPairHandles {
  const common = commonAttributes(label, options);
  const publicTemplate: pkcs11js.Template = [...common, { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PUBLIC_KEY }, { type: pkcs11js.CKA_VERIFY, value: true }];
  const privateTemplate: pkcs11js.Template = [
    ...privateKeyPolicy(),
    ...common,
    { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY },
    { type: pkcs11js.CKA_SIGN, value: true },
  ];
  if (key.kind === 'rsa') {
    const publicParts: pkcs11js.Template = [
      { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_RSA },
      { type: pkcs11js.CKA_MODULUS, value: key.modulus },
      { type: pkcs11js.CKA_PUBLIC_EXPONENT, value: key.publicExponent },
    ];
    publicTemplate.push(...publicParts, { type: pkcs11js.CKA_ENCRYPT, value: true });
    privateTemplate.push(
      ...publicParts,
      { type: pkcs11js.CKA_DECRYPT, value: true },
      { type: pkcs11js.CKA_PRIVATE_EXPONENT, value: key.privateExponent },
      { type: pkcs11js.CKA_PRIME_1, value: key.prime1 },
      { type: pkcs11js.CKA_PRIME_2, value: key.prime2 },
      { type: pkcs11js.CKA_EXPONENT_1, value: key.exponent1 },
      { type: pkcs11js.CKA_EXPONENT_2, value: key.exponent2 },
      { type: pkcs11js.CKA_COEFFICIENT, value: key.coefficient },
    );
  } else {
    const keyType = key.curve.family === 'edwards' ? keyTypes.value('CKK_EC_EDWARDS') : pkcs11js.CKK_EC;
    const curveParts: pkcs11js.Template = [
      { type: pkcs11js.CKA_KEY_TYPE, value: keyType },
      { type: pkcs11js.CKA_EC_PARAMS, value: key.curve.ecParams },
    ];
    publicTemplate.push(...curveParts, { type: pkcs11js.CKA_EC_POINT, value: encodeDer(DerTag.OCTET_STRING, key.publicPoint) });
    privateTemplate.push(...curveParts, { type: pkcs11js.CKA_VALUE, value: key.privateValue });
  }
  return { publicKey: session.createObject(publicTemplate, `the public key "${label}"`), privateKey: session.createObject(privateTemplate, `the private key "${label}"`) };
}

/** A key's type in docs/steps.md's words (RSA-2048, EC-P256, Ed25519), or what the token says it is. */
export function describeKey(session: Pkcs11Session, key: pkcs11js.Handle): string {
  const keyType = readUlong(session.getAttribute(key, pkcs11js.CKA_KEY_TYPE));
  if (keyType === pkcs11js.CKK_RSA) return `RSA-${session.getAttribute(key, pkcs11js.CKA_MODULUS).length * 8}`;
  if (keyType === pkcs11js.CKK_EC || keyType === keyTypes.value('CKK_EC_EDWARDS')) {
    const curve = curveByEcParams(session.getAttribute(key, pkcs11js.CKA_EC_PARAMS));
    if (curve) return curve.family === 'edwards' ? curve.name : `EC-${curve.name.replace('-', '')}`;
  }
  return `a ${keyTypes.name(keyType)} key`;
}

function commonAttributes(label: string, options: KeyPairOptions): pkcs11js.Template {
  return [
    { type: pkcs11js.CKA_TOKEN, value: options.tokenObjects },
    { type: pkcs11js.CKA_LABEL, value: label },
    { type: pkcs11js.CKA_ID, value: options.id ?? randomBytes(ID_BYTES) },
  ];
}

/** Private keys stay on the token: private, sensitive, never extractable. */
function privateKeyPolicy(): pkcs11js.Template {
  return [
    { type: pkcs11js.CKA_PRIVATE, value: true },
    { type: pkcs11js.CKA_SENSITIVE, value: true },
    { type: pkcs11js.CKA_EXTRACTABLE, value: false },
  ];
}
