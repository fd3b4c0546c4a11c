/**
 * Parameter types for names a spec writes: `{mechanism}`, `{keyType}` and `{hash}` match
 * one word, as `{word}` does (so the step texts of docs/steps.md are unchanged), and an unknown
 * name fails its step with the valid names and the nearest one. Exported so that users'
 * own step definitions can take the same parameters.
 */
import { defineParameterType } from '@cucumber/cucumber';
import { HASH_NAMES, isHashName, type HashName } from '../../src/crypto/hashes.js';
import { KEY_TYPE_NAMES, parseKeyType, type KeyType } from '../../src/crypto/key-types.js';
import { HarnessCodes, HarnessError } from '../../core/errors.js';
import { usableMechanismNames } from '../../src/pkcs11/mechanisms.js';
import { mechanisms } from '../../src/pkcs11/names.js';
import { didYouMean } from '../../core/text/nearest.js';
import { quietenError } from '../../src/quiet-errors.js';

/** One word, as cucumber's `{word}`. */
const WORD = /[^\s]+/;

function unknownName(kind: string, written: string, candidates: readonly string[], valid = `use one of ${candidates.join(', ')}`): never {
  const error = new HarnessError(HarnessCodes.UNKNOWN_NAME, `unknown ${kind} "${written}"${didYouMean(written, candidates)}: ${valid}`);
  // Parameter transformers run outside the step wrapper, which quietens the steps' errors.
  quietenError(error);
  throw error;
}

/** A CKM_* name the PKCS#11 headers define. */
export function parseMechanismName(written: string): string {
  if (mechanisms.find(written) === undefined) {
    unknownName('mechanism', written, mechanisms.names(), `write a CKM_ name of PKCS#11; the harness signs, encrypts and digests with ${usableMechanismNames().join(', ')}`);
  }
  return written;
}

export function parseKeyTypeName(written: string): KeyType {
  if (!(KEY_TYPE_NAMES as readonly string[]).includes(written)) unknownName('key type', written, KEY_TYPE_NAMES);
  return parseKeyType(written);
}

export function parseHashName(written: string): HashName {
  if (!isHashName(written)) unknownName('hash', written, HASH_NAMES);
  return written;
}

defineParameterType({ name: 'mechanism', regexp: WORD, transformer: parseMechanismName, useForSnippets: false });
defineParameterType({ name: 'keyType', regexp: WORD, transformer: parseKeyTypeName, useForSnippets: false });
defineParameterType({ name: 'hash', regexp: WORD, transformer: parseHashName, useForSnippets: false });
