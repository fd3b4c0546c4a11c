import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkExpectedCode, isExpectableCode } from '../../src/expected-codes.js';
import { quietenError } from '../../src/quiet-errors.js';
import { HarnessError } from '../../core/errors.js';
import { didYouMean, editDistance, nearest } from '../../core/text/nearest.js';
import { Pkcs11Call } from '../../src/pkcs11/calls.js';
import { nearestSteps } from '../../steps/formatters/issues.js';
import { formatPkcs11Calls } from '../../steps/support/pkcs11-trace.js';

describe('did you mean', () => {
  it('counts typos, swaps included, case-insensitively', () => {
    assert.equal(editDistance('CKM_SHA256_RSA_PKS', 'CKM_SHA256_RSA_PKCS'), 1);
    assert.equal(editDistance('SENSITVE', 'SENSITIVE'), 1);
    assert.equal(editDistance('RSA-2408', 'RSA-2048'), 1);
    assert.equal(editDistance('iso7816-DEMO', 'iso7816-demo'), 0);
  });

  it('suggests the nearest name, and nothing when no name is near', () => {
    assert.deepEqual(nearest('CKR_ATTRIBUTE_SENSITVE', ['CKR_ATTRIBUTE_SENSITIVE', 'CKR_ATTRIBUTE_READ_ONLY']), ['CKR_ATTRIBUTE_SENSITIVE']);
    assert.equal(didYouMean('SHA-265', ['SHA-1', 'SHA-256', 'SHA-384']), ' (did you mean SHA-256?)');
    assert.equal(didYouMean('banana', ['SHA-1', 'SHA-256']), '');
  });

  it('finds the built-in step nearest to an undefined one, by its words', () => {
    const patterns = ['the ATR is {string}', 'the status word is {string}', 'the plaintext is {string}', 'I send the APDU {string}'];
    assert.equal(nearestSteps('the status is "9000"', patterns)[0], 'the status word is {string}');
    assert.equal(nearestSteps('I sent the APDU "00 A4"', patterns)[0], 'I send the APDU {string}');
    assert.deepEqual(nearestSteps('the moon is made of cheese', patterns), []);
  });
});

describe('which codes "Then it fails with" takes', () => {
  it('takes the card, reader and token codes', () => {
    for (const code of ['SCARD_W_REMOVED_CARD', 'CKR_PIN_INCORRECT', 'CARDSPEC_REFUSED', 'CARDSPEC_KEY_MISMATCH']) {
      assert.equal(isExpectableCode(code), true, code);
      assert.equal(checkExpectedCode(code), undefined, code);
    }
  });

  it('refuses the codes of spec and set-up mistakes as such', () => {
    for (const code of ['CARDSPEC_BAD_PROFILE', 'CARDSPEC_BAD_HEX', 'CARDSPEC_UNKNOWN_NAME', 'CARDSPEC_NO_CARD', 'CARDSPEC_BAD_CONFIG']) {
      assert.match(checkExpectedCode(code) ?? '', new RegExp(`^${code} is a mistake in the spec or its set-up, not a failure of the card or token`), code);
    }
  });

  it('names the nearest code for an unknown one', () => {
    assert.match(checkExpectedCode('CKR_ATTRIBUTE_SENSITVE') ?? '', /^unknown error code CKR_ATTRIBUTE_SENSITVE \(did you mean CKR_ATTRIBUTE_SENSITIVE\?\)/);
    assert.match(checkExpectedCode('SCARD_W_REMOVED') ?? '', /did you mean SCARD_W_REMOVED_CARD\?/);
  });
});

describe('quiet errors', () => {
  it('puts the code in front and drops the stack trace', () => {
    const error = new HarnessError('CARDSPEC_BAD_PROFILE', 'bad card profile x.yaml, line 3');
    const before = process.env.CARDSPEC_VERBOSE;
    delete process.env.CARDSPEC_VERBOSE;
    try {
      quietenError(error);
    } finally {
      if (before !== undefined) process.env.CARDSPEC_VERBOSE = before;
    }
    assert.equal(error.message, 'CARDSPEC_BAD_PROFILE: bad card profile x.yaml, line 3');
    assert.equal(error.stack, error.message);
  });

  it('keeps the stack with CARDSPEC_VERBOSE=1, and for bugs (TypeError)', () => {
    const before = process.env.CARDSPEC_VERBOSE;
    process.env.CARDSPEC_VERBOSE = '1';
    const verbose = new HarnessError('CARDSPEC_BAD_HEX', 'bad hex');
    try {
      quietenError(verbose);
    } finally {
      if (before === undefined) delete process.env.CARDSPEC_VERBOSE;
      else process.env.CARDSPEC_VERBOSE = before;
    }
    assert.match(verbose.stack ?? '', /\n\s+at /);
    assert.match(verbose.stack ?? '', /^HarnessError: CARDSPEC_BAD_HEX: bad hex\n/, 'the code once');
    const bug = new TypeError('x is undefined');
    quietenError(bug);
    assert.match(bug.stack ?? '', /\n\s+at /);
  });
});

describe('PKCS#11 trace', () => {
  it('collapses a run of the same call with the same result into one line', () => {
    const at = new Date('2026-01-01T10:00:00.000Z');
    const calls = [
      new Pkcs11Call(at, 'C_GetMechanismList', undefined, 'CKR_OK', 0.1),
      ...['CKM_RSA_PKCS', 'CKM_SHA256', 'CKM_ECDSA', 'CKM_EDDSA'].map((m) => new Pkcs11Call(at, 'C_GetMechanismInfo', m, 'CKR_OK', 0.25)),
      new Pkcs11Call(at, 'C_Login', undefined, 'CKR_PIN_INCORRECT', 2),
    ];
    assert.deepEqual(formatPkcs11Calls(calls).split('\n'), [
      '10:00:00.000  C_GetMechanismList  ->  CKR_OK  0.10 ms',
      '10:00:00.000  C_GetMechanismInfo x4 (CKM_RSA_PKCS ... CKM_EDDSA)  ->  CKR_OK  1.00 ms',
      '10:00:00.000  C_Login  ->  CKR_PIN_INCORRECT  2.00 ms',
    ]);
  });
});
