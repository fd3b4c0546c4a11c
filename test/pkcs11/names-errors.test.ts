import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pkcs11js from 'pkcs11js';

import { HarnessError } from '../../core/errors.js';
import { decodeAttributeValue, formatAttributeValue, parseAttributeValue } from '../../src/pkcs11/attributes.js';
import { fromNativeError, Pkcs11Error, pkcs11Error } from '../../src/pkcs11/errors.js';
import { mechanismFlags, tokenFlags } from '../../src/pkcs11/flags.js';
import { keyTypes, mechanisms, returnValues } from '../../src/pkcs11/names.js';

describe('CKR names', () => {
  it('maps values to names and back, PKCS#11 3.0 codes included', () => {
    assert.equal(returnValues.name(0xa0), 'CKR_PIN_INCORRECT');
    assert.equal(returnValues.name(0xc0), 'CKR_SIGNATURE_INVALID');
    assert.equal(returnValues.name(0x70), 'CKR_MECHANISM_INVALID');
    assert.equal(returnValues.name(0x1b), 'CKR_ACTION_PROHIBITED');
    assert.equal(returnValues.value('CKR_USER_NOT_LOGGED_IN'), 0x101);
  });

  it('names vendor-defined and unknown values by their number', () => {
    assert.equal(returnValues.name(0x80000001), 'CKR_VENDOR_DEFINED+0x1');
    assert.equal(returnValues.name(0x3ff), 'CKR_0x000003FF');
  });

  it('prefers current names over deprecated aliases', () => {
    assert.equal(keyTypes.name(3), 'CKK_EC');
    assert.equal(mechanisms.name(0x1040), 'CKM_EC_KEY_PAIR_GEN');
    assert.equal(mechanisms.name(0x1057), 'CKM_EDDSA');
  });

  it('suggests names like an unknown one', () => {
    assert.throws(() => mechanisms.value('CKM_SHA256_RSA_PKSC'), /CKM_SHA256_RSA_PKCS/);
    assert.throws(() => mechanisms.value('SHA256'), /start with CKM_/);
  });
});

describe('Pkcs11Error', () => {
  it('carries the CKR name as code, the value, the function and a hint', () => {
    const error = pkcs11Error('CKR_PIN_INCORRECT', 'C_Login');
    assert.ok(error instanceof HarnessError);
    assert.equal(error.code, 'CKR_PIN_INCORRECT');
    assert.equal(error.value, 0xa0);
    assert.equal(error.functionName, 'C_Login');
    assert.equal(error.message, 'C_Login failed: CKR_PIN_INCORRECT (0x000000A0): the PIN is wrong');
  });

  it('translates pkcs11js errors once, whichever shape they come in', () => {
    const wrapped = fromNativeError(new pkcs11js.Pkcs11Error('CKR_SIGNATURE_INVALID:192'), 'C_Verify');
    assert.ok(wrapped instanceof Pkcs11Error);
    assert.equal(wrapped.code, 'CKR_SIGNATURE_INVALID');
    const raw = fromNativeError(new Error('CKR_ATTRIBUTE_READ_ONLY:16\n    at PKCS11.C_SetAttributeValue'), 'C_SetAttributeValue');
    assert.ok(raw instanceof Pkcs11Error);
    assert.equal(raw.code, 'CKR_ATTRIBUTE_READ_ONLY');
    assert.equal(fromNativeError(raw, 'C_Other'), raw);
    const other = fromNativeError(new TypeError('Argument 1 has wrong type'), 'C_Sign');
    assert.ok(!(other instanceof Pkcs11Error));
    assert.match(other.message, /^C_Sign failed: Argument 1/);
  });
});

describe('flags', () => {
  it('reads token and mechanism flag words by their own tables', () => {
    assert.deepEqual(tokenFlags.names(0x42d), ['CKF_RNG', 'CKF_LOGIN_REQUIRED', 'CKF_USER_PIN_INITIALIZED', 'CKF_RESTORE_KEY_NOT_NEEDED', 'CKF_TOKEN_INITIALIZED']);
    assert.deepEqual(mechanismFlags.names(0x2800), ['CKF_SIGN', 'CKF_VERIFY']);
    assert.ok(mechanismFlags.isSet(0x2800, 'SIGN'));
    assert.throws(() => tokenFlags.bit('CKF_SIGN'), /unknown token flag/);
  });
});

describe('attribute values', () => {
  it('parses each kind as written in a step', () => {
    assert.equal(parseAttributeValue('CKA_LABEL', 'signer'), 'signer');
    assert.equal(parseAttributeValue('CKA_SENSITIVE', 'true'), true);
    assert.equal(parseAttributeValue('CKA_KEY_TYPE', 'CKK_EC'), 3);
    assert.equal(parseAttributeValue('CKA_MODULUS_BITS', '2048'), 2048);
    assert.throws(() => parseAttributeValue('CKA_TOKEN', 'yes'), /true or false/);
    assert.throws(() => parseAttributeValue('CKA_NOPE', 'x'), /unknown attribute/);
  });

  it('decodes and formats what the token returns', () => {
    assert.equal(decodeAttributeValue('CKA_KEY_TYPE', Buffer.from('0300000000000000', 'hex')), 3);
    assert.equal(formatAttributeValue('CKA_KEY_TYPE', 3), '3 (CKK_EC)');
    assert.equal(decodeAttributeValue('CKA_PRIVATE', Buffer.from([1])), true);
    assert.equal(formatAttributeValue('CKA_ID', Buffer.from([0xc0, 0xff])), 'C0 FF');
  });
});
