import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ascii, freshCard, send, sw } from './helpers.js';

const AID = 'F0 43 41 52 44 53 50 45 43';

describe('SELECT', () => {
  it('answers the FCP of EF 0001 exactly as docs/demo-cards.md shows', () => {
    const card = freshCard();
    assert.deepEqual(send(card, '00 A4 00 04 02 00 01'), { data: '62 0B 82 01 01 83 02 00 01 80 02 00 0D', sw: '9000' });
  });

  it('answers FCPs of a record EF (size = sum of records), a named DF and the MF', () => {
    const card = freshCard();
    assert.equal(send(card, '00 A4 00 04 02 00 02').data, '62 0B 82 01 04 83 02 00 02 80 02 00 0B');
    assert.equal(send(card, '00 A4 00 04 02 7F 10').data, `62 12 82 01 38 83 02 7F 10 84 09 ${AID}`);
    assert.equal(send(card, '00 A4 00 04 02 3F 00').data, '62 07 82 01 38 83 02 3F 00');
  });

  it('answers FCIs: 84 for a DF selected by name, 83 (+80 for an EF) otherwise', () => {
    const card = freshCard();
    assert.deepEqual(send(card, `00 A4 04 00 09 ${AID}`), { data: `6F 0B 84 09 ${AID}`, sw: '9000' });
    send(card, '00 A4 00 0C 02 3F 00');
    assert.equal(send(card, '00 A4 00 00 02 7F 10').data, '6F 04 83 02 7F 10');
    assert.equal(send(card, '00 A4 00 00 02 3F 00').data, '6F 04 83 02 3F 00');
    assert.equal(send(card, '00 A4 00 00 02 00 01').data, '6F 08 83 02 00 01 80 02 00 0D');
  });

  it('answers no data with P2 0C, and 6A86 for other P1 or P2', () => {
    const card = freshCard();
    assert.deepEqual(send(card, '00 A4 00 0C 02 00 01'), { data: '', sw: '9000' });
    assert.equal(sw(card, '00 A4 01 0C 02 00 01'), '6A86');
    assert.equal(sw(card, '00 A4 03 0C 02 00 01'), '6A86');
    assert.equal(sw(card, '00 A4 00 08 02 00 01'), '6A86');
    assert.equal(sw(card, '00 A4 00 02 02 00 01'), '6A86');
  });

  it('P1 00: finds children of the current DF, its parent and 3F00, not the DF itself', () => {
    const card = freshCard();
    assert.equal(sw(card, '00 A4 00 0C 02 7F 10'), '9000');
    assert.equal(sw(card, '00 A4 00 0C 02 01 01'), '9000');
    assert.equal(send(card, '00 B0 00 00 00').data, ascii('inside the app'));
    assert.equal(sw(card, '00 A4 00 0C 02 00 01'), '6A82', 'a sibling of the parent is not visible');
    assert.equal(sw(card, '00 A4 00 0C 02 7F 10'), '6A82', 'the current DF itself is not among them (docs/demo-cards.md)');
    assert.equal(sw(card, '00 A4 00 0C 02 3F 00'), '9000', 'the MF, also the parent');
    assert.equal(sw(card, '00 A4 00 0C 02 00 01'), '9000');
  });

  it('P1 00 with no data selects the MF (ISO 7816-4)', () => {
    const card = freshCard();
    send(card, '00 A4 00 0C 02 7F 10');
    assert.equal(sw(card, '00 A4 00 0C'), '9000');
    assert.equal(sw(card, '00 A4 00 0C 02 00 01'), '9000');
  });

  it('P1 02: only an EF under the current DF', () => {
    const card = freshCard();
    assert.equal(sw(card, '00 A4 02 0C 02 00 01'), '9000');
    assert.equal(sw(card, '00 A4 02 0C 02 7F 10'), '6A82', 'a DF');
    assert.equal(sw(card, '00 A4 02 0C 02 01 01'), '6A82', 'not under the MF');
  });

  it('P1 04: a DF by its full AID from anywhere; a partial AID answers 6A82', () => {
    const card = freshCard();
    send(card, '00 A4 00 0C 02 00 01');
    assert.equal(sw(card, `00 A4 04 0C 09 ${AID}`), '9000');
    assert.equal(sw(card, '00 A4 02 0C 02 01 01'), '9000', 'the DF became current');
    assert.equal(sw(card, `00 A4 04 0C 09 ${AID}`), '9000', 'from inside the DF');
    assert.equal(sw(card, '00 A4 04 0C 05 F0 43 41 52 44'), '6A82');
    assert.equal(sw(card, `00 A4 04 0C 0A ${AID} 00`), '6A82');
  });

  it('P1 08: a path from the MF without 3F00; P1 09: from the current DF without its id', () => {
    const card = freshCard();
    assert.equal(sw(card, '00 A4 08 0C 04 7F 10 01 01'), '9000');
    assert.equal(send(card, '00 B0 00 00 00').data, ascii('inside the app'));
    assert.equal(sw(card, '00 A4 08 0C 02 00 01'), '9000', 'from the MF even inside 7F10');
    assert.equal(sw(card, '00 A4 08 0C 04 3F 00 00 01'), '6A82', 'a path starting with 3F00');
    assert.equal(sw(card, '00 A4 08 0C 04 00 01 00 02'), '6A82', 'through an EF');
    assert.equal(sw(card, '00 A4 09 0C 04 7F 10 01 01'), '9000', 'from the MF as current DF');
    assert.equal(sw(card, '00 A4 09 0C 02 01 01'), '9000', 'from 7F10 as current DF');
    assert.equal(sw(card, '00 A4 09 0C 02 00 01'), '6A82');
    assert.equal(send(card, '00 A4 09 04 02 01 01').data, '62 0B 82 01 01 83 02 01 01 80 02 00 0E');
  });

  it('wrong data lengths answer 6700 before any lookup', () => {
    const card = freshCard();
    assert.equal(sw(card, '00 A4 00 0C 03 00 01 02'), '6700');
    assert.equal(sw(card, '00 A4 00 0C 01 00'), '6700');
    assert.equal(sw(card, '00 A4 02 0C'), '6700');
    assert.equal(sw(card, '00 A4 04 0C'), '6700');
    assert.equal(sw(card, '00 A4 08 0C 03 7F 10 01'), '6700');
    assert.equal(sw(card, '00 A4 09 0C'), '6700');
    assert.equal(sw(card, '00 A4 00 0C 02 12 34'), '6A82');
  });

  it('selecting an EF makes its parent current; a DF clears the current EF', () => {
    const card = freshCard();
    send(card, '00 A4 00 0C 02 00 01');
    assert.equal(send(card, '00 B0 00 00 05').data, ascii('Hello'));
    send(card, '00 A4 00 0C 02 7F 10');
    assert.equal(sw(card, '00 B0 00 00 05'), '6986');
  });

  it('a failed SELECT leaves the current DF and EF as they were', () => {
    const card = freshCard();
    send(card, '00 A4 08 0C 04 7F 10 01 01');
    assert.equal(sw(card, '00 A4 00 0C 02 99 99'), '6A82');
    assert.equal(sw(card, '00 A4 04 0C 05 F0 43 41 52 44'), '6A82');
    assert.equal(sw(card, '00 A4 08 0C 02 99 99'), '6A82');
    assert.equal(send(card, '00 B0 00 00 00').data, ascii('inside the app'));
    assert.equal(sw(card, '00 A4 02 0C 02 01 01'), '9000', 'the current DF is still 7F10');
  });

  it('after the ATR, a reset or a power cycle the MF is current and there is no current EF', () => {
    const card = freshCard();
    assert.equal(sw(card, '00 B0 00 00 01'), '6986');
    assert.equal(sw(card, '00 A4 02 0C 02 00 01'), '9000', 'the MF is the current DF');
    send(card, '00 A4 08 0C 04 7F 10 01 01');
    card.reset();
    assert.equal(sw(card, '00 B0 00 00 01'), '6986');
    assert.equal(sw(card, '00 A4 02 0C 02 00 01'), '9000');
    send(card, '00 A4 08 0C 04 7F 10 01 01');
    card.powerOff();
    card.powerOn();
    assert.equal(sw(card, '00 B0 00 00 01'), '6986');
    assert.equal(sw(card, '00 A4 02 0C 02 00 02'), '9000');
  });

  it('accepts extended-length SELECT under T=1', () => {
    const card = freshCard();
    assert.deepEqual(send(card, '00 A4 00 04 00 00 02 00 01 00 00'), {
      data: '62 0B 82 01 01 83 02 00 01 80 02 00 0D',
      sw: '9000',
    });
  });

  it('under T=1, hands out an FCI larger than Le in pieces (61xx + GET RESPONSE)', () => {
    const card = freshCard();
    assert.deepEqual(send(card, '00 A4 00 04 02 00 01 05'), { data: '62 0B 82 01 01', sw: '6108' });
    assert.deepEqual(send(card, '00 C0 00 00 00'), { data: '83 02 00 01 80 02 00 0D', sw: '9000' });
    assert.equal(sw(card, '00 C0 00 00 00'), '6985');
  });
});
