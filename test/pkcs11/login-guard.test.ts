import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { guardLogin, riskyLoginFlags } from '../../src/pkcs11/login-guard.js';

const flags = (...set: string[]) => (flag: string): boolean => set.includes(flag);

describe('the login guard of physical tokens', () => {
  it('names the flags that make a user or SO login risky', () => {
    assert.deepEqual(riskyLoginFlags('user', flags('CKF_USER_PIN_FINAL_TRY', 'CKF_SO_PIN_LOCKED')), ['CKF_USER_PIN_FINAL_TRY']);
    assert.deepEqual(riskyLoginFlags('so', flags('CKF_USER_PIN_FINAL_TRY', 'CKF_SO_PIN_LOCKED')), ['CKF_SO_PIN_LOCKED']);
    assert.deepEqual(riskyLoginFlags('user', flags('CKF_USER_PIN_COUNT_LOW')), []);
  });

  it('refuses a PIN other than the configured one when the final try is next, naming @destructive', () => {
    assert.throws(() => guardLogin('user', '0000', '4711', flags('CKF_USER_PIN_FINAL_TRY')), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'CARDSPEC_REFUSED');
      assert.match(e.message, /CKF_USER_PIN_FINAL_TRY/);
      assert.match(e.message, /@destructive/);
      return true;
    });
  });

  it('trusts no PIN when none is configured (an empty configured PIN): the empty PIN is refused too', () => {
    assert.throws(() => guardLogin('so', '', '', flags('CKF_SO_PIN_FINAL_TRY')), /CKF_SO_PIN_FINAL_TRY/);
  });

  it('lets the configured PIN through, and any PIN while tries are left', () => {
    guardLogin('user', '4711', '4711', flags('CKF_USER_PIN_FINAL_TRY'));
    guardLogin('user', '0000', '4711', flags('CKF_USER_PIN_COUNT_LOW'));
  });
});
