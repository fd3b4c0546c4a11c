import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { COMMANDS } from '../../simulator/card/commands/index.js';
import { ascii, freshCard, send, sw } from './helpers.js';

describe('CLA', () => {
  it('80 to FF answer 6E00', () => {
    const card = freshCard();
    for (const cla of ['80', '84', 'A0', 'C0', 'FF']) assert.equal(sw(card, `${cla} A4 00 0C 02 3F 00`), '6E00', cla);
  });

  it('the chaining bit answers 6884, logical channels 6881, secure messaging 6882', () => {
    const card = freshCard();
    assert.equal(sw(card, '10 A4 00 0C 02 3F 00'), '6884');
    for (const cla of ['01', '02', '03', '40', '41', '60', '6F']) assert.equal(sw(card, `${cla} A4 00 0C 02 3F 00`), '6881', cla);
    assert.equal(sw(card, '7F A4 00 0C 02 3F 00'), '6884', 'chaining bit before the channel');
    assert.equal(sw(card, '0D A4 00 0C 02 3F 00'), '6881', 'channel before secure messaging');
    for (const cla of ['04', '08', '0C']) assert.equal(sw(card, `${cla} A4 00 0C 02 3F 00`), '6882', cla);
    assert.equal(sw(card, '20 A4 00 0C 02 3F 00'), '6E00');
  });

  it('CLA is checked first: before INS, P1-P2 and length', () => {
    const card = freshCard();
    assert.equal(sw(card, '80 FF 00 00'), '6E00');
    assert.equal(sw(card, '80 A4 FF FF 03'), '6E00');
    assert.equal(sw(card, '80'), '6E00');
    assert.equal(sw(card, '10 FF'), '6884');
  });
});

describe('errors and their precedence', () => {
  it('an unknown INS answers 6D00, before P1-P2 and length', () => {
    const card = freshCard();
    assert.equal(sw(card, '00 FF 00 00'), '6D00');
    assert.equal(sw(card, '00 D6 00 00 01 00'), '6D00');
    assert.equal(sw(card, '00 12'), '6D00');
    assert.equal(sw(card, '00 A4 00 0C 05 3F'), '6700', 'a known INS with a broken length');
  });

  it('malformed byte strings answer 6700', () => {
    const card = freshCard();
    for (const hex of ['', '00', '00 A4', '00 A4 00', '00 A4 00 0C 03 3F 00', '00 B0 00 00 00 00']) {
      assert.equal(sw(card, hex), '6700', JSON.stringify(hex));
    }
  });

  it('an extended case-2 APDU is not malformed', () => {
    assert.equal(sw(freshCard(), '00 A4 00 0C 00 00 00'), '9000');
  });

  it('READ BINARY: P1-P2, then length, file, security, offset', () => {
    const card = freshCard();
    assert.equal(sw(card, '00 B0 E1 00'), '6A86', 'P1-P2 before length');
    assert.equal(sw(card, '00 B0 00 00'), '6700', 'length before file');
    assert.equal(sw(card, '00 B0 00 FF 01'), '6986', 'file (no current EF) before offset');
    assert.equal(sw(card, '00 B0 82 FF 01'), '6981', 'file (structure) before offset');
    assert.equal(sw(card, '00 B0 83 FF 01'), '6982', 'security before offset');
    assert.equal(sw(card, '00 B0 81 FF 01'), '6B00');
  });

  it('READ RECORD: P1-P2, then length, file, security, record', () => {
    const card = freshCard();
    assert.equal(sw(card, '00 B2 00 15'), '6A86');
    assert.equal(sw(card, '00 B2 00 14'), '6700');
    assert.equal(sw(card, '00 B2 00 04 00'), '6986');
    assert.equal(sw(card, '00 B2 00 0C 00'), '6981');
    assert.equal(sw(card, '00 B2 09 2C 00'), '6A82');
    assert.equal(sw(card, '00 B2 09 14 00'), '6A83');
  });

  it('PIN commands: P1-P2, then length, then security', () => {
    const card = freshCard();
    for (let i = 0; i < 3; i++) send(card, `00 20 00 01 04 ${ascii('0000')}`);
    assert.equal(sw(card, `00 20 00 05 02 ${ascii('12')}`), '6A86');
    assert.equal(sw(card, `00 20 00 01 02 ${ascii('12')}`), '6700', 'length before blocked');
    assert.equal(sw(card, `00 20 00 01 04 ${ascii('1234')}`), '6983');
  });
});

describe('GET CHALLENGE and GET RESPONSE', () => {
  it('GET CHALLENGE answers 8 random bytes', () => {
    const card = freshCard();
    const a = send(card, '00 84 00 00 08');
    const b = send(card, '00 84 00 00 08');
    assert.equal(a.sw, '9000');
    assert.equal(a.data.split(' ').length, 8);
    assert.notEqual(a.data, b.data);
    assert.equal(send(card, '00 84 00 00 00').data.split(' ').length, 8, 'Le 00: the card\'s length');
    assert.equal(send(card, '00 84 00 00 10').data.split(' ').length, 16);
    assert.equal(sw(card, '00 84 00 00'), '6700');
    assert.equal(sw(card, '00 84 01 00 08'), '6A86');
  });

  it('GET RESPONSE with nothing pending answers 6985', () => {
    const card = freshCard();
    assert.equal(sw(card, '00 C0 00 00 00'), '6985');
    assert.equal(sw(card, '00 C0 00 00 10'), '6985');
    assert.equal(sw(card, '00 C0 01 00 10'), '6A86');
  });
});

describe('supported INS', () => {
  it('lists every command of docs/demo-cards.md', () => {
    assert.deepEqual(
      COMMANDS.map((c) => c.ins),
      [0x20, 0x24, 0x2c, 0x84, 0xa4, 0xb0, 0xb2, 0xc0],
    );
    assert.ok(COMMANDS.every((c) => c.name.length > 0));
  });
});

describe('fuzz', () => {
  /** Small seeded PRNG (mulberry32) so that a failure can be replayed. */
  function rng(seed: number): () => number {
    let a = seed;
    return () => {
      a = (a + 0x6d2b79f5) | 0;
      let t = Math.imul(a ^ (a >>> 15), 1 | a);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }
  const INS = [...COMMANDS.map((c) => c.ins), 0x00, 0xff];
  /** The PIV applet's instructions (SP 800-73-4 and YubiKey's). */
  const PIV_INS = [0x20, 0x24, 0x2c, 0x47, 0x87, 0xcb, 0xdb, 0xf7, 0xf8, 0xfa, 0xfb, 0xfd, 0xff, 0xa4, 0xc0];
  /** Templates that reach past the PIV applet's first checks: 7C (GENERAL AUTHENTICATE), 5C (GET/PUT DATA), AC (GENERATE). */
  const PIV_TEMPLATES = [0x7c, 0x5c, 0xac, 0x53, 0x7e];
  const SELECT_PIV = Buffer.from('00A4040005A000000308', 'hex');
  const PIN = Buffer.from('00200080083132333435 36FFFF'.replace(/ /g, ''), 'hex');

  for (const profile of ['iso7816-demo', 'iso7816-t0', 'piv']) {
    it(`${profile}: never throws and always answers at least a status word (30000 random commands)`, () => {
      const seed = 20240611;
      const next = rng(seed);
      const byte = (): number => Math.floor(next() * 256);
      const card = freshCard(profile);
      const piv = profile === 'piv';
      const ins = piv ? [...INS, ...PIV_INS] : INS;
      for (let i = 0; i < 30000; i++) {
        const length = next() < 0.8 ? Math.floor(next() * 24) : Math.floor(next() * 600);
        let apdu = Buffer.alloc(length);
        for (let j = 0; j < length; j++) apdu[j] = byte();
        // Most commands look real enough to get past CLA and INS, to reach the handlers.
        if (length > 0 && next() < 0.7) apdu[0] = 0x00;
        if (length > 1 && next() < 0.7) apdu[1] = ins[Math.floor(next() * ins.length)]!;
        if (length > 4 && next() < 0.5) apdu[4] = length - 5 - (next() < 0.5 ? 0 : 1);
        if (piv && length > 6 && next() < 0.5) {
          // A BER-TLV-looking body: a template, its length, a tag inside it.
          apdu[5] = PIV_TEMPLATES[Math.floor(next() * PIV_TEMPLATES.length)]!;
          apdu[6] = Math.min(length - 7, 0x7f);
          if (length > 7) apdu[7] = [0x80, 0x81, 0x82, 0x85, 0x5c][Math.floor(next() * 5)]!;
        }
        // The applet is selected most of the time, and the PIN verified now and then.
        if (piv && next() < 0.05) apdu = next() < 0.5 ? SELECT_PIV : PIN;
        if (next() < 0.01) card.reset();
        let answer: Buffer;
        try {
          answer = card.transmit(apdu);
        } catch (err) {
          assert.fail(`seed ${seed}, command ${i} ${apdu.toString('hex')} threw ${String(err)}`);
        }
        assert.ok(answer.length >= 2, `command ${i} ${apdu.toString('hex')} answered ${answer.length} bytes`);
        assert.notEqual(answer.readUInt16BE(answer.length - 2), 0x6f00, `command ${i} ${apdu.toString('hex')} hit a bug (6F00)`);
      }
    });
  }
});
