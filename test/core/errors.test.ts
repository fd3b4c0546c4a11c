import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { HarnessCodes, HarnessError } from '../../core/errors.js';
import { fromBindingError, ScardError } from '../../src/pcsc/errors.js';

function asScard(error: unknown): ScardError {
  assert.ok(error instanceof ScardError, `a ScardError, got ${String(error)}`);
  assert.ok(error instanceof HarnessError);
  return error;
}

describe('fromBindingError', () => {
  it('maps "Card was removed" to SCARD_W_REMOVED_CARD', () => {
    const cause = new Error('Card was removed');
    const e = asScard(fromBindingError(cause, 'SCardTransmit'));
    assert.equal(e.code, 'SCARD_W_REMOVED_CARD');
    assert.equal(e.value, 0x80100069);
    assert.equal(e.operation, 'SCardTransmit');
    assert.ok(e.message.startsWith('SCardTransmit failed: SCARD_W_REMOVED_CARD (0x80100069): '), e.message);
    assert.equal(e.cause, cause);
  });

  it('maps "PC/SC service not running" to SCARD_E_NO_SERVICE, mentioning pcscd', () => {
    const e = asScard(fromBindingError(new Error('PC/SC service not running'), 'SCardEstablishContext'));
    assert.equal(e.code, 'SCARD_E_NO_SERVICE');
    assert.equal(e.value, 0x8010001d);
    assert.match(e.message, /pcscd/);
  });

  it('maps "PC/SC service stopped" to SCARD_E_SERVICE_STOPPED, hinting at protocol versions', () => {
    const e = asScard(fromBindingError(new Error('PC/SC service stopped'), 'SCardListReaders'));
    assert.equal(e.code, 'SCARD_E_SERVICE_STOPPED');
    assert.equal(e.value, 0x8010001e);
    assert.match(e.hint, /protocol versions/);
    assert.ok(e.message.includes(e.hint));
  });

  it('maps unknown text to SCARD_F_UNKNOWN_ERROR, keeping the text', () => {
    const e = asScard(fromBindingError(new Error('the reader caught fire'), 'SCardConnect'));
    assert.equal(e.code, 'SCARD_F_UNKNOWN_ERROR');
    assert.equal(e.value, 0x80100014);
    assert.ok(e.message.includes('the reader caught fire'), e.message);
  });

  it('uses a numeric code before the text', () => {
    const error = Object.assign(new Error('Sharing violation - card is in use'), { code: 0x8010000b });
    const e = asScard(fromBindingError(error, 'SCardConnect'));
    assert.equal(e.code, 'SCARD_E_SHARING_VIOLATION');
    assert.equal(e.value, 0x8010000b);
    const other = asScard(fromBindingError(Object.assign(new Error('whatever'), { code: 0x8010000c }), 'SCardConnect'));
    assert.equal(other.code, 'SCARD_E_NO_SMARTCARD');
  });

  it('falls back to the text when the numeric code is unknown or not a number', () => {
    const unknownNumber = asScard(fromBindingError(Object.assign(new Error('Card was reset'), { code: 42 }), 'SCardTransmit'));
    assert.equal(unknownNumber.code, 'SCARD_W_RESET_CARD');
    const stringCode = asScard(fromBindingError(Object.assign(new Error('Card is unpowered'), { code: 'EIO' }), 'SCardTransmit'));
    assert.equal(stringCode.code, 'SCARD_W_UNPOWERED_CARD');
  });

  it('maps "Card is not connected" to SCARD_E_INVALID_HANDLE', () => {
    const e = asScard(fromBindingError(new Error('Card is not connected'), 'SCardTransmit'));
    assert.equal(e.code, 'SCARD_E_INVALID_HANDLE');
  });

  it('returns a ScardError as it is', () => {
    const original = fromBindingError(new Error('Operation timed out'), 'SCardGetStatusChange');
    assert.equal(fromBindingError(original, 'other'), original);
  });

  it('returns a HarnessError of the harness as it is (a missing addon keeps its code)', () => {
    const missing = new HarnessError(HarnessCodes.MISSING_DEPENDENCY, 'the PC/SC addon could not be loaded');
    assert.equal(fromBindingError(missing, 'SCardConnect'), missing);
  });

  it('wraps a thrown non-Error in a plain Error naming the operation', () => {
    const e = fromBindingError('boom', 'SCardControl');
    assert.ok(!(e instanceof ScardError));
    assert.equal(e.message, 'SCardControl failed: boom');
  });
});
