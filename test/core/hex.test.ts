import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { HarnessCodes, HarnessError } from '../../core/errors.js';
import { HexError, parseHex, swHex, toHex } from '../../core/apdu/hex.js';

function assertBadHex(text: string, message: string, column: number): void {
  assert.throws(
    () => parseHex(text),
    (e: unknown) => {
      assert.ok(e instanceof HexError, 'a HexError');
      assert.ok(e instanceof HarnessError, 'a HarnessError');
      assert.equal(e.code, HarnessCodes.BAD_HEX);
      assert.equal(e.code, 'CARDSPEC_BAD_HEX');
      assert.equal(e.message, message);
      assert.equal(e.column, column);
      assert.equal(e.text, text);
      return true;
    },
  );
}

describe('parseHex', () => {
  const expected = Buffer.from([0x00, 0xa4, 0x04, 0x00]);

  it('reads spaced hex', () => {
    assert.deepEqual(parseHex('00 A4 04 00'), expected);
  });

  it('reads colon-separated hex', () => {
    assert.deepEqual(parseHex('00:A4:04:00'), expected);
  });

  it('reads hex without separators', () => {
    assert.deepEqual(parseHex('00A40400'), expected);
  });

  it('reads lower-case and mixed separators, tabs and repeated spaces', () => {
    assert.deepEqual(parseHex('00a4\t04 :00'), expected);
    assert.deepEqual(parseHex('  00  a4  '), Buffer.from([0x00, 0xa4]));
  });

  it('reads groups of several whole bytes', () => {
    assert.deepEqual(parseHex('BA7816BF 8F01CFEA'), Buffer.from('BA7816BF8F01CFEA', 'hex'));
  });

  it('gives no bytes for the empty string or separators only', () => {
    assert.equal(parseHex('').length, 0);
    assert.equal(parseHex('   ').length, 0);
    assert.equal(parseHex(' : ').length, 0);
  });

  it('returns a Buffer', () => {
    assert.ok(Buffer.isBuffer(parseHex('01')));
  });

  it('reports a bad character with the docs/steps.md message and its 1-based column', () => {
    assertBadHex('00 A4 0G 00', `bad hex "00 A4 0G 00": 'G' at column 8`, 8);
  });

  it('reports the first bad character when there are several', () => {
    assertBadHex('ZZ', `bad hex "ZZ": 'Z' at column 1`, 1);
    assertBadHex('00-A4', `bad hex "00-A4": '-' at column 3`, 3);
  });

  it('reports a half byte in the middle ("00 A 04")', () => {
    assertBadHex('00 A 04', `bad hex "00 A 04": 'A' at column 4 is half a byte`, 4);
  });

  it('reports a half byte at the end, and an odd group without separators', () => {
    assertBadHex('00 A4 0', `bad hex "00 A4 0": '0' at column 7 is half a byte`, 7);
    assertBadHex('00A', `bad hex "00A": 'A' at column 3 is half a byte`, 3);
    assertBadHex('000:A4', `bad hex "000:A4": '0' at column 3 is half a byte`, 3);
  });
});

describe('toHex', () => {
  it('writes upper-case, zero-padded, space-separated bytes', () => {
    assert.equal(toHex(Buffer.from([0x00, 0xa4, 0x0f, 0xff])), '00 A4 0F FF');
  });

  it('takes another separator', () => {
    assert.equal(toHex(Buffer.from([0xde, 0xad]), ''), 'DEAD');
    assert.equal(toHex(Buffer.from([0xde, 0xad]), ':'), 'DE:AD');
  });

  it('writes nothing for no bytes', () => {
    assert.equal(toHex(Buffer.alloc(0)), '');
  });

  it('accepts a plain Uint8Array', () => {
    assert.equal(toHex(new Uint8Array([1, 2, 3])), '01 02 03');
  });

  it('round-trips with parseHex', () => {
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    assert.deepEqual(parseHex(toHex(bytes)), bytes);
  });
});

describe('swHex', () => {
  it('writes four upper-case hex digits', () => {
    assert.equal(swHex(0x9000), '9000');
    assert.equal(swHex(0x6a82), '6A82');
    assert.equal(swHex(0x61ff), '61FF');
  });

  it('pads small values', () => {
    assert.equal(swHex(0x0000), '0000');
    assert.equal(swHex(0x0090), '0090');
  });
});
