import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { HarnessCodes, HarnessError } from '../../core/errors.js';
import { parseHex, toHex } from '../../core/apdu/hex.js';
import { atrOffersProtocol, describeAtr, parseAtr } from '../../core/apdu/atr.js';

const atr = (hex: string) => parseAtr(parseHex(hex));

/** XOR of T0..end: what TCK must make 0. Recomputed here rather than trusted from memory. */
function xorFromT0(hex: string): number {
  return parseHex(hex).subarray(1).reduce((acc, b) => acc ^ b, 0);
}

function assertBadAtr(hex: string, fragment: string): void {
  assert.throws(
    () => atr(hex),
    (e: unknown) => {
      assert.ok(e instanceof HarnessError);
      assert.equal(e.code, HarnessCodes.BAD_ATR);
      assert.ok(e.message.includes(fragment), `"${e.message}" should include "${fragment}"`);
      return true;
    },
  );
}

const DEMO = '3B 88 01 43 41 52 44 53 50 45 43 98';
const DEMO_T0 = '3B 08 43 41 52 44 53 50 45 43';
const YUBIKEY_5_NFC = '3B FD 13 00 00 81 31 FE 15 80 73 C0 21 C0 57 59 75 62 69 4B 65 79 40';
const JCOP = '3B F8 13 00 00 81 31 FE 45 4A 43 4F 50 76 32 34 31 B7';
const DUAL = '3B DB 96 00 80 B1 FE 45 1F 83 00 31 C0 64 C7 FC 10 00 01 90 00 74';

describe('example ATRs', () => {
  it('carry correct TCKs (checked independently of the parser)', () => {
    for (const hex of [DEMO, YUBIKEY_5_NFC, JCOP, DUAL]) assert.equal(xorFromT0(hex), 0, hex);
  });
});

describe('parseAtr on real cards', () => {
  it('reads the demo card: T=1 only, 8 historical bytes, valid TCK', () => {
    const a = atr(DEMO);
    assert.equal(a.ts, 0x3b);
    assert.equal(a.convention, 'direct');
    assert.equal(a.t0, 0x88);
    assert.equal(a.historicalCount, 8);
    assert.deepEqual(a.protocols, [1]);
    assert.deepEqual(a.interfaceGroups, [{ index: 1, td: 0x01 }, { index: 2 }]);
    assert.equal(toHex(a.historical), '43 41 52 44 53 50 45 43');
    assert.equal(a.historical.toString('latin1'), 'CARDSPEC');
    assert.equal(a.tck, 0x98);
    assert.equal(a.tckValid, true);
    assert.equal(a.fi, undefined);
    assert.equal(a.di, undefined);
    assert.equal(atrOffersProtocol(a, 1), true);
    assert.equal(atrOffersProtocol(a, 0), false);
  });

  it('reads an ATR without TD1 as offering T=0, with no TCK', () => {
    const a = atr(DEMO_T0);
    assert.deepEqual(a.protocols, [0]);
    assert.deepEqual(a.interfaceGroups, [{ index: 1 }]);
    assert.equal(a.tck, undefined);
    assert.equal(a.tckValid, undefined);
    assert.equal(a.historical.toString('latin1'), 'CARDSPEC');
  });

  it('reads a YubiKey 5 NFC: three groups, T=1, TA1 = 13', () => {
    const a = atr(YUBIKEY_5_NFC);
    assert.deepEqual(a.interfaceGroups, [
      { index: 1, ta: 0x13, tb: 0x00, tc: 0x00, td: 0x81 },
      { index: 2, td: 0x31 },
      { index: 3, ta: 0xfe, tb: 0x15 },
    ]);
    assert.deepEqual(a.protocols, [1]);
    assert.equal(a.historicalCount, 13);
    assert.equal(toHex(a.historical), '80 73 C0 21 C0 57 59 75 62 69 4B 65 79');
    assert.equal(a.tck, 0x40);
    assert.equal(a.tckValid, true);
    assert.equal(a.fi, 372);
    assert.equal(a.di, 4);
    assert.equal(a.fMaxMHz, 5);
  });

  it('reads a JCOP JavaCard with "JCOPv241" in its historical bytes', () => {
    const a = atr(JCOP);
    assert.deepEqual(a.protocols, [1]);
    assert.equal(a.historical.toString('latin1'), 'JCOPv241');
    assert.equal(a.interfaceGroups[2]?.tb, 0x45);
    assert.equal(a.tckValid, true);
  });

  it('reads a card offering T=0 and T=1 and leaves out the T=15 global group', () => {
    const a = atr(DUAL);
    assert.deepEqual(a.protocols, [0, 1]);
    assert.equal(atrOffersProtocol(a, 0), true);
    assert.equal(atrOffersProtocol(a, 1), true);
    assert.equal(atrOffersProtocol(a, 15), false);
    assert.deepEqual(a.interfaceGroups, [
      { index: 1, ta: 0x96, tc: 0x00, td: 0x80 },
      { index: 2, td: 0xb1 },
      { index: 3, ta: 0xfe, tb: 0x45, td: 0x1f },
      { index: 4, ta: 0x83 },
    ]);
    assert.equal(a.historicalCount, 11);
    assert.equal(a.tck, 0x74);
    assert.equal(a.tckValid, true);
    assert.equal(a.fi, 512);
    assert.equal(a.di, 32);
  });

  it('accepts the inverse convention', () => {
    const a = atr('3F 65 25 08 36 04 6C 90 00');
    assert.equal(a.convention, 'inverse');
    assert.deepEqual(a.interfaceGroups, [{ index: 1, tb: 0x25, tc: 0x08 }]);
    assert.deepEqual(a.protocols, [0]);
    assert.equal(toHex(a.historical), '36 04 6C 90 00');
  });

  it('expects no TCK when TD1 names only T=0', () => {
    const a = atr('3B 80 00');
    assert.deepEqual(a.protocols, [0]);
    assert.equal(a.tck, undefined);
    assertBadAtr('3B 80 00 00', 'byte 4 is extra');
  });

  it('keeps a wrong TCK but flags it', () => {
    const a = atr('3B 88 01 43 41 52 44 53 50 45 43 99');
    assert.equal(a.tck, 0x99);
    assert.equal(a.tckValid, false);
  });

  it('marks RFU values of TA1 as unknown rather than guessing', () => {
    const a = atr('3B 90 71 01 E0');
    assert.equal(xorFromT0('3B 90 71 01 E0'), 0);
    assert.equal(a.fi, undefined);
    assert.equal(a.di, 1);
  });
});

describe('parseAtr on bad ATRs', () => {
  it('names the missing byte and its 1-based position', () => {
    assertBadAtr('', 'byte 1 (TS) is missing');
    assertBadAtr('3B', 'byte 2 (T0) is missing');
    assertBadAtr('3B 88', 'byte 3 (TD1) is missing');
    assertBadAtr('3B FD 13 00 00 81', 'byte 7 (TD2) is missing');
    assertBadAtr('3B FD 13 00 00 81 31 FE', 'byte 9 (TB3) is missing');
    assertBadAtr('3B 88 01 43', 'byte 5 (historical byte 2 of 8) is missing');
    assertBadAtr('3B 88 01 43 41 52 44 53 50 45 43', 'byte 12 (TCK) is missing');
  });

  it('names the first extra byte', () => {
    assertBadAtr(`${DEMO} 00`, 'byte 13 is extra; the ATR should end after 12 bytes');
    assertBadAtr(`${DEMO_T0} 98`, 'byte 11 is extra');
  });

  it('refuses an ATR longer than 33 bytes even when its structure is consistent', () => {
    const body = '3B FF 11 00 00 F1 00 00 00 F1 00 00 00 F1 00 00 00 71 00 00 00 ' + '41 '.repeat(15);
    const tck = xorFromT0(body).toString(16).padStart(2, '0');
    assertBadAtr(`${body}${tck}`, 'byte 34 is extra; an ATR has at most 33 bytes');
  });

  it('refuses a TS that is neither 3B nor 3F', () => {
    assertBadAtr('3C 00', 'byte 1 (TS) is 3C, not 3B (direct) or 3F (inverse convention)');
    assertBadAtr('03 00', 'byte 1 (TS) is 03');
  });

  it('quotes the ATR in the message', () => {
    assertBadAtr('3B 88 01', 'bad ATR "3B 88 01": ');
  });
});

describe('describeAtr', () => {
  it('describes the demo card as pcsc_scan would', () => {
    assert.deepEqual(describeAtr(atr(DEMO)), [
      'ATR: 3B 88 01 43 41 52 44 53 50 45 43 98',
      'Convention: direct (TS = 3B)',
      'Protocols: T=1',
      'Interface bytes: TD1=01',
      'No TA1: default Fi = 372, Di = 1',
      'Historical bytes (8): 43 41 52 44 53 50 45 43 "CARDSPEC"',
      'TCK: 98 (correct)',
    ]);
  });

  it('shows Fi/Di, mixed ASCII and several protocols', () => {
    const yubikey = describeAtr(atr(YUBIKEY_5_NFC));
    assert.ok(yubikey.includes('TA1 = 13: Fi = 372, Di = 4, f max = 5 MHz'));
    assert.ok(yubikey.includes('Historical bytes (13): 80 73 C0 21 C0 57 59 75 62 69 4B 65 79 ".s.!.WYubiKey"'));
    const dual = describeAtr(atr(DUAL));
    assert.ok(dual.includes('Protocols: T=0, T=1'));
    assert.ok(dual.includes('Interface bytes: TA1=96 TC1=00 TD1=80 TD2=B1 TA3=FE TB3=45 TD3=1F TA4=83'));
    // No run of text in these historical bytes, so no ASCII column.
    assert.ok(dual.includes('Historical bytes (11): 00 31 C0 64 C7 FC 10 00 01 90 00'));
  });

  it('reports an absent and a wrong TCK', () => {
    assert.ok(describeAtr(atr(DEMO_T0)).includes('TCK: absent (T=0 only)'));
    const bad = describeAtr(atr('3B 88 01 43 41 52 44 53 50 45 43 99'));
    assert.ok(bad.some((l) => l.startsWith('TCK: 99 (WRONG')));
    assert.ok(describeAtr(atr('3F 65 25 08 36 04 6C 90 00')).includes('Convention: inverse (TS = 3F)'));
  });
});
