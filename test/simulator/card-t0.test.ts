import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ascii, freshCard, send, sw } from './helpers.js';

const FCP_0001 = '62 0B 82 01 01 83 02 00 01 80 02 00 0D';
const HELLO = ascii('Hello World!\n');

describe('iso7816-t0', () => {
  it('has the T=0 ATR and the demo card\'s files and PINs', () => {
    const card = freshCard('iso7816-t0');
    assert.equal(card.atr.toString('hex').toUpperCase(), '3B084341524453504543');
    assert.equal(card.protocol, 'T=0');
    assert.deepEqual(send(card, '00 B2 02 14 03'), { data: ascii('two'), sw: '9000' });
    assert.equal(sw(card, `00 20 00 01 04 ${ascii('0000')}`), '63C2');
  });

  it('a case-4 SELECT answers 61xx whatever Le, then GET RESPONSE hands out the FCP', () => {
    for (const le of ['', ' 00', ' 0D', ' FF', ' 02']) {
      const card = freshCard('iso7816-t0');
      assert.deepEqual(send(card, `00 A4 00 04 02 00 01${le}`), { data: '', sw: '610D' }, `Le "${le}"`);
      assert.deepEqual(send(card, '00 C0 00 00 0D'), { data: FCP_0001, sw: '9000' });
    }
  });

  it('SELECT with P2 0C answers 9000 (no data to hand out); the FCI is 61xx too', () => {
    const card = freshCard('iso7816-t0');
    assert.deepEqual(send(card, '00 A4 00 0C 02 00 01'), { data: '', sw: '9000' });
    assert.equal(sw(card, '00 A4 00 00 02 00 01'), '610A');
    assert.deepEqual(send(card, '00 C0 00 00 0A'), { data: '6F 08 83 02 00 01 80 02 00 0D', sw: '9000' });
  });

  it('GET RESPONSE in pieces: a shorter Le gets a piece and 61yy for the rest', () => {
    const card = freshCard('iso7816-t0');
    send(card, '00 A4 00 04 02 00 01');
    assert.deepEqual(send(card, '00 C0 00 00 05'), { data: '62 0B 82 01 01', sw: '6108' });
    assert.deepEqual(send(card, '00 C0 00 00 03'), { data: '83 02 00', sw: '6105' });
    assert.deepEqual(send(card, '00 C0 00 00 05'), { data: '01 80 02 00 0D', sw: '9000' });
    assert.equal(sw(card, '00 C0 00 00 05'), '6985');
  });

  it('GET RESPONSE with a larger Le answers 6Cxx and keeps the data pending', () => {
    const card = freshCard('iso7816-t0');
    send(card, '00 A4 00 04 02 00 01');
    assert.equal(sw(card, '00 C0 00 00 20'), '6C0D');
    assert.equal(sw(card, '00 C0 00 00 00'), '6C0D', 'Le 00 is 256');
    assert.deepEqual(send(card, '00 C0 00 00 0D'), { data: FCP_0001, sw: '9000' });
  });

  it('any other command discards what was pending', () => {
    const card = freshCard('iso7816-t0');
    send(card, '00 A4 00 04 02 00 01');
    assert.equal(sw(card, '00 B0 00 00 05'), '9000');
    assert.equal(sw(card, '00 C0 00 00 0D'), '6985');
    send(card, '00 A4 00 04 02 00 01');
    assert.equal(sw(card, '80 CA 00 00 00'), '6E00', 'even a failing one');
    assert.equal(sw(card, '00 C0 00 00 0D'), '6985');
  });

  it('READ BINARY: Le 00 means 256, so a 13-byte EF answers 6C0D; a smaller Le reads that many', () => {
    const card = freshCard('iso7816-t0');
    send(card, '00 A4 00 0C 02 00 01');
    assert.equal(sw(card, '00 B0 00 00 00'), '6C0D');
    assert.equal(sw(card, '00 B0 00 00 0E'), '6C0D');
    assert.equal(sw(card, '00 B0 00 05 00'), '6C08');
    assert.deepEqual(send(card, '00 B0 00 00 0D'), { data: HELLO, sw: '9000' });
    assert.deepEqual(send(card, '00 B0 00 00 05'), { data: ascii('Hello'), sw: '9000' });
    assert.equal(sw(card, '00 B0 00 00'), '6C0D', 'no Le is P3 = 00 under T=0');
    assert.equal(sw(card, '00 B0 00 0D 01'), '6B00');
  });

  it('READ RECORD: any Le other than the record length answers 6Cxx, Le 00 included', () => {
    const card = freshCard('iso7816-t0');
    assert.equal(sw(card, '00 B2 01 14 00'), '6C03');
    assert.equal(sw(card, '00 B2 03 14 03'), '6C05');
    assert.deepEqual(send(card, '00 B2 03 14 05'), { data: ascii('three'), sw: '9000' });
  });

  it('extended-length APDUs answer 6700', () => {
    const card = freshCard('iso7816-t0');
    send(card, '00 A4 00 0C 02 00 01');
    assert.equal(sw(card, '00 B0 00 00 00 00 00'), '6700');
    assert.equal(sw(card, '00 B0 00 00 00 00 05'), '6700');
    assert.equal(sw(card, '00 A4 00 0C 00 00 02 3F 00'), '6700');
  });

  it('a failing case-4 command answers its error, not 61xx', () => {
    const card = freshCard('iso7816-t0');
    assert.equal(sw(card, '00 A4 00 04 02 12 34'), '6A82');
    assert.equal(sw(card, `00 20 00 01 04 ${ascii('1234')}`), '9000');
  });
});
