import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ascii, freshCard, send, sw } from './helpers.js';

const verify = (pin: string): string => `00 20 00 01 ${pin.length.toString(16).padStart(2, '0')} ${ascii(pin)}`;
const change = (old: string, next: string): string =>
  `00 24 00 01 ${(old.length + next.length).toString(16).padStart(2, '0')} ${ascii(old + next)}`;
const unblock = (puk: string, next: string): string =>
  `00 2C 00 01 ${(puk.length + next.length).toString(16).padStart(2, '0')} ${ascii(puk + next)}`;
const STATUS = '00 20 00 01';

describe('VERIFY', () => {
  it('counts wrong values 63C2, 63C1, then the blocking try answers 6983', () => {
    const card = freshCard();
    assert.equal(sw(card, STATUS), '63C3');
    assert.equal(sw(card, verify('0000')), '63C2');
    assert.equal(sw(card, verify('0000')), '63C1');
    assert.equal(sw(card, verify('0000')), '6983');
    assert.equal(sw(card, verify('1234')), '6983', 'the right value too, once blocked');
    assert.equal(sw(card, STATUS), '6983');
    assert.equal(sw(card, '00 B0 83 00 00'), '6982');
  });

  it('a right value answers 9000, sets the tries back to 3 and verifies', () => {
    const card = freshCard();
    assert.equal(sw(card, verify('0000')), '63C2');
    assert.equal(sw(card, verify('1234')), '9000');
    assert.equal(sw(card, STATUS), '9000');
    assert.deepEqual(card.triesLeft(1), { pin: 3, puk: 10 });
    assert.equal(sw(card, verify('9999')), '63C2', 'back from 3 tries');
    assert.equal(sw(card, STATUS), '63C2', 'a wrong value withdraws the verification');
  });

  it('a value shorter than 4 or longer than 8 bytes answers 6700 and costs no try', () => {
    const card = freshCard();
    assert.equal(sw(card, verify('123')), '6700');
    assert.equal(sw(card, verify('123456789')), '6700');
    assert.equal(sw(card, STATUS), '63C3');
    assert.equal(sw(card, verify('12345678')), '63C2', '8 bytes is a length the PIN may have');
  });

  it('answers 6A86 for another P1 or an unknown PIN reference', () => {
    const card = freshCard();
    assert.equal(sw(card, `00 20 00 02 04 ${ascii('1234')}`), '6A86');
    assert.equal(sw(card, `00 20 01 01 04 ${ascii('1234')}`), '6A86');
    assert.equal(sw(card, '00 20 00 81'), '6A86');
  });

  it('a reset or power off clears the verified state, never a tries counter', () => {
    const card = freshCard();
    send(card, verify('0000'));
    send(card, verify('0000'));
    card.reset();
    assert.equal(sw(card, STATUS), '63C1');
    card.powerOff();
    card.powerOn();
    assert.equal(sw(card, verify('1234')), '9000');
    card.reset();
    assert.equal(sw(card, STATUS), '63C3');
  });
});

describe('CHANGE REFERENCE DATA', () => {
  it('changes the PIN, leaves it verified and sets the tries to 3', () => {
    const card = freshCard();
    send(card, verify('0000'));
    assert.equal(sw(card, change('1234', '87654321')), '9000');
    assert.equal(sw(card, STATUS), '9000');
    assert.equal(send(card, '00 B0 83 00 00').sw, '9000');
    assert.deepEqual(card.triesLeft(1), { pin: 3, puk: 10 });
    card.reset();
    assert.equal(sw(card, verify('1234')), '63C2');
    assert.equal(sw(card, verify('87654321')), '9000');
  });

  it('a wrong current value answers and costs like a wrong VERIFY', () => {
    const card = freshCard();
    assert.equal(sw(card, change('0000', '5678')), '63C2');
    assert.equal(sw(card, change('0000', '5678')), '63C1');
    assert.equal(sw(card, change('0000', '5678')), '6983');
    assert.equal(sw(card, change('1234', '5678')), '6983');
    assert.equal(sw(card, verify('1234')), '6983');
  });

  it('a new value of the wrong length, or no room for it, answers 6700 and costs no try', () => {
    const card = freshCard();
    assert.equal(sw(card, change('1234', '567')), '6700');
    assert.equal(sw(card, change('1234', '123456789')), '6700');
    assert.equal(sw(card, `00 24 00 01 03 ${ascii('123')}`), '6700');
    assert.equal(sw(card, '00 24 00 01'), '6700');
    assert.equal(sw(card, STATUS), '63C3');
  });

  it('P1 other than 00 answers 6A86', () => {
    assert.equal(sw(freshCard(), `00 24 01 01 04 ${ascii('5678')}`), '6A86');
  });
});

describe('RESET RETRY COUNTER', () => {
  it('unblocks with the PUK: new value, 3 tries, not verified', () => {
    const card = freshCard();
    for (let i = 0; i < 3; i++) send(card, verify('0000'));
    assert.equal(sw(card, STATUS), '6983');
    assert.equal(sw(card, unblock('12345678', '4321')), '9000');
    assert.equal(sw(card, STATUS), '63C3');
    assert.equal(sw(card, '00 B0 83 00 00'), '6982');
    assert.equal(sw(card, verify('1234')), '63C2');
    assert.equal(sw(card, verify('4321')), '9000');
  });

  it('is allowed on a PIN that is not blocked, and a verified PIN is verified no more', () => {
    const card = freshCard();
    send(card, verify('1234'));
    assert.equal(sw(card, unblock('12345678', '11112222')), '9000');
    assert.equal(sw(card, STATUS), '63C3');
    assert.equal(sw(card, verify('11112222')), '9000');
  });

  it('a wrong PUK counts down from 10; the blocking try and every later one answer 6983', () => {
    const card = freshCard();
    for (let left = 9; left >= 1; left--) {
      assert.equal(sw(card, unblock('00000000', '1111')), `63C${left.toString(16).toUpperCase()}`);
    }
    assert.equal(sw(card, unblock('00000000', '1111')), '6983');
    assert.equal(sw(card, unblock('12345678', '1111')), '6983');
    assert.equal(sw(card, verify('1234')), '9000', 'the PIN itself still works');
  });

  it('the right PUK sets the PUK tries back to 10', () => {
    const card = freshCard();
    assert.equal(sw(card, unblock('00000000', '1111')), '63C9');
    assert.equal(sw(card, unblock('00000000', '1111')), '63C8');
    assert.equal(sw(card, unblock('12345678', '1111')), '9000');
    assert.deepEqual(card.triesLeft(1), { pin: 3, puk: 10 });
    assert.equal(sw(card, unblock('00000000', '1111')), '63C9');
  });

  it('a new PIN of the wrong length answers 6700 and costs no PUK try', () => {
    const card = freshCard();
    assert.equal(sw(card, unblock('12345678', '123')), '6700');
    assert.equal(sw(card, unblock('12345678', '123456789')), '6700');
    assert.equal(sw(card, `00 2C 00 01 04 ${ascii('1234')}`), '6700');
    assert.deepEqual(card.triesLeft(1), { pin: 3, puk: 10 });
  });

  it('P1 other than 00 answers 6A86', () => {
    assert.equal(sw(freshCard(), `00 2C 01 01 08 ${ascii('12345678')}`), '6A86');
  });
});
