import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isTokenBackend, openscConf, tokenReaderSlot } from '../../src/targets/token-card.js';

describe('card-backed tokens', () => {
  it('gives worker i of n the token reader n + i, never one of the APDU steps\' readers', () => {
    assert.equal(tokenReaderSlot(0, 1), 1);
    assert.deepEqual([tokenReaderSlot(0, 2), tokenReaderSlot(1, 2)], [2, 3]);
  });

  it('lets OpenSC see only the token reader, and unblock the PIN with C_SetPIN without login', () => {
    const conf = openscConf('Virtual PCD 00 01', ['Virtual PCD 00 00', 'Virtual PCD 00 01', 'Some "quoted" reader']);
    assert.match(conf, /ignored_readers = "Virtual PCD 00 00", "Some quoted reader";/);
    assert.doesNotMatch(conf, /"Virtual PCD 00 01"/);
    assert.match(conf, /user_pin_unblock_style = set_pin_in_unlogged_session;/);
    assert.doesNotMatch(openscConf('Virtual PCD 00 01', ['Virtual PCD 00 01']), /ignored_readers/);
  });

  it('knows its backends', () => {
    assert.ok(isTokenBackend('piv'));
    assert.ok(isTokenBackend('softhsm'));
    assert.ok(!isTokenBackend('yubikey'));
  });
});
