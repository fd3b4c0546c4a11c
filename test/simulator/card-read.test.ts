import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ascii, freshCard, send, sw } from './helpers.js';

const HELLO = ascii('Hello World!\n');
const DIR_RECORD = '61 15 4F 09 F0 43 41 52 44 53 50 45 43 50 08 ' + ascii('demo-app');

describe('READ BINARY', () => {
  const selected = () => {
    const card = freshCard();
    send(card, '00 A4 00 0C 02 00 01');
    return card;
  };

  it('Le 00 reads to the end with 9000', () => {
    assert.deepEqual(send(selected(), '00 B0 00 00 00'), { data: HELLO, sw: '9000' });
    assert.deepEqual(send(selected(), '00 B0 00 06 00'), { data: ascii('World!\n'), sw: '9000' });
  });

  it('extended Le 00 00 00 reads to the end with 9000', () => {
    assert.deepEqual(send(selected(), '00 B0 00 00 00 00 00'), { data: HELLO, sw: '9000' });
  });

  it('a smaller Le reads that many bytes', () => {
    assert.deepEqual(send(selected(), '00 B0 00 00 05'), { data: ascii('Hello'), sw: '9000' });
    assert.deepEqual(send(selected(), '00 B0 00 00 0D'), { data: HELLO, sw: '9000' });
    assert.deepEqual(send(selected(), '00 B0 00 00 00 00 05'), { data: ascii('Hello'), sw: '9000' });
  });

  it('a larger Le than what is left answers what is left with 6282', () => {
    assert.deepEqual(send(selected(), '00 B0 00 00 0E'), { data: HELLO, sw: '6282' });
    assert.deepEqual(send(selected(), '00 B0 00 0C FF'), { data: '0A', sw: '6282' });
    assert.deepEqual(send(selected(), '00 B0 00 00 00 01 00'), { data: HELLO, sw: '6282' });
  });

  it('an offset at or beyond the end answers 6B00', () => {
    assert.equal(sw(selected(), '00 B0 00 0D 00'), '6B00');
    assert.equal(sw(selected(), '00 B0 00 0E 01'), '6B00');
    assert.equal(sw(selected(), '00 B0 7F FF 01'), '6B00');
  });

  it('reads by SFI (P1 = 80 | SFI, P2 = offset), which makes that EF current', () => {
    const card = freshCard();
    assert.deepEqual(send(card, '00 B0 81 00 05'), { data: ascii('Hello'), sw: '9000' });
    assert.deepEqual(send(card, '00 B0 00 06 00'), { data: ascii('World!\n'), sw: '9000' });
    assert.deepEqual(send(card, '00 B0 81 0C 00'), { data: '0A', sw: '9000' });
  });

  it('answers 6A82 for an unknown SFI, 6A86 for a malformed SFI byte', () => {
    const card = freshCard();
    assert.equal(sw(card, '00 B0 85 00 00'), '6A82');
    assert.equal(sw(card, '00 B0 A1 00 00'), '6A86');
    assert.equal(sw(card, '00 B0 80 00 00'), '6A86');
  });

  it('answers 6986 without a current EF, 6981 on a record EF', () => {
    assert.equal(sw(freshCard(), '00 B0 00 00 00'), '6986');
    assert.equal(sw(freshCard(), '00 B0 82 00 00'), '6981');
    const card = freshCard();
    send(card, '00 A4 00 0C 02 00 02');
    assert.equal(sw(card, '00 B0 00 00 00'), '6981');
  });

  it('answers 6700 without Le or with a data field', () => {
    assert.equal(sw(selected(), '00 B0 00 00'), '6700');
    assert.equal(sw(selected(), '00 B0 00 00 01 00'), '6700');
    assert.equal(sw(selected(), '00 B0 00 00 01 00 00'), '6700');
  });

  it('EF 0003 answers 6982 until PIN 1 is verified in this card session', () => {
    const card = freshCard();
    assert.equal(sw(card, '00 B0 83 00 00'), '6982');
    send(card, '00 A4 00 0C 02 00 03');
    assert.equal(sw(card, '00 B0 00 00 00'), '6982');
    assert.equal(sw(card, `00 20 00 01 04 ${ascii('1234')}`), '9000');
    assert.deepEqual(send(card, '00 B0 00 00 00'), { data: ascii('top secret'), sw: '9000' });
    card.reset();
    assert.equal(sw(card, '00 B0 83 00 00'), '6982', 'a reset ends the verified state');
    send(card, `00 20 00 01 04 ${ascii('1234')}`);
    card.powerOff();
    card.powerOn();
    assert.equal(sw(card, '00 B0 83 00 00'), '6982', 'so does a power cycle');
  });
});

describe('READ RECORD', () => {
  it('reads records by SFI with Le 00', () => {
    const card = freshCard();
    assert.deepEqual(send(card, '00 B2 01 14 00'), { data: ascii('one'), sw: '9000' });
    assert.deepEqual(send(card, '00 B2 02 14 00'), { data: ascii('two'), sw: '9000' });
    assert.deepEqual(send(card, '00 B2 03 14 00'), { data: ascii('three'), sw: '9000' });
    assert.deepEqual(send(card, '00 B2 03 14 00 00 00'), { data: ascii('three'), sw: '9000' }, 'extended Le 0000');
  });

  it('EF.DIR holds one record per application: 61 { 4F AID, 50 label }', () => {
    const card = freshCard();
    assert.deepEqual(send(card, '00 B2 01 F4 00'), { data: DIR_RECORD, sw: '9000' });
    assert.equal(sw(card, '00 B2 02 F4 00'), '6A83');
  });

  it('answers 6Cxx for any Le other than 00 and the record length', () => {
    const card = freshCard();
    assert.deepEqual(send(card, '00 B2 01 14 03'), { data: ascii('one'), sw: '9000' });
    assert.equal(sw(card, '00 B2 01 14 02'), '6C03');
    assert.equal(sw(card, '00 B2 03 14 FF'), '6C05');
    assert.equal(sw(card, '00 B2 03 14 00 00 09'), '6C05');
  });

  it('record 00 or beyond the last answers 6A83', () => {
    const card = freshCard();
    assert.equal(sw(card, '00 B2 00 14 00'), '6A83');
    assert.equal(sw(card, '00 B2 04 14 00'), '6A83');
    assert.equal(sw(card, '00 B2 FF 14 00'), '6A83');
  });

  it('P2 04 reads the current EF; reading by SFI makes that EF current', () => {
    const card = freshCard();
    assert.equal(sw(card, '00 B2 01 04 00'), '6986');
    send(card, '00 A4 00 0C 02 00 02');
    assert.deepEqual(send(card, '00 B2 02 04 00'), { data: ascii('two'), sw: '9000' });
    send(card, '00 B2 01 F4 00');
    assert.deepEqual(send(card, '00 B2 01 04 00'), { data: DIR_RECORD, sw: '9000' });
  });

  it('other P2 modes answer 6A86; a transparent EF 6981; an unknown SFI 6A82', () => {
    const card = freshCard();
    for (const p2 of ['00', '05', '13', '16', 'FC']) assert.equal(sw(card, `00 B2 01 ${p2} 00`), '6A86', `P2 ${p2}`);
    assert.equal(sw(card, '00 B2 01 0C 00'), '6981');
    assert.equal(sw(card, '00 B2 01 2C 00'), '6A82');
  });
});
