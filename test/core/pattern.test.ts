import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { HarnessCodes } from '../../core/errors.js';
import { HexError, parseHex } from '../../core/apdu/hex.js';
import { explainMismatch, matchesBytePattern, parseBytePattern } from '../../core/apdu/pattern.js';

const matches = (pattern: string, data: string): boolean => matchesBytePattern(parseBytePattern(pattern), parseHex(data));
const explain = (pattern: string, data: string): string => explainMismatch(parseBytePattern(pattern), parseHex(data));

function assertBadPattern(text: string, message: string, column: number): void {
  assert.throws(
    () => parseBytePattern(text),
    (e: unknown) => {
      assert.ok(e instanceof HexError, 'a HexError');
      assert.equal(e.code, HarnessCodes.BAD_HEX);
      assert.equal(e.message, message);
      assert.equal(e.column, column);
      return true;
    },
  );
}

describe('parseBytePattern', () => {
  it('reads bytes, XX wildcards and a final *', () => {
    const p = parseBytePattern('48 XX XX 6C *');
    assert.deepEqual(p.bytes, [0x48, undefined, undefined, 0x6c]);
    assert.equal(p.openEnded, true);
    assert.equal(p.text, '48 XX XX 6C *');
  });

  it('reads .. and xx as wildcards, colons and no separators', () => {
    assert.deepEqual(parseBytePattern('48 .. 6C').bytes, [0x48, undefined, 0x6c]);
    assert.deepEqual(parseBytePattern('48:xx:6c').bytes, [0x48, undefined, 0x6c]);
    assert.deepEqual(parseBytePattern('48XX6C..').bytes, [0x48, undefined, 0x6c, undefined]);
    assert.equal(parseBytePattern('48 .. 6C').openEnded, false);
  });

  it('reads * right after a byte and separators after the *', () => {
    const p = parseBytePattern('48*  ');
    assert.deepEqual(p.bytes, [0x48]);
    assert.equal(p.openEnded, true);
  });

  it('reads an empty pattern and a lone *', () => {
    assert.deepEqual(parseBytePattern('').bytes, []);
    assert.equal(parseBytePattern('').openEnded, false);
    assert.deepEqual(parseBytePattern('*').bytes, []);
    assert.equal(parseBytePattern('*').openEnded, true);
  });

  it('reports half a byte with its column', () => {
    assertBadPattern('48 4 6C', `bad hex "48 4 6C": '4' at column 4 is half a byte`, 4);
    assertBadPattern('48 4', `bad hex "48 4": '4' at column 4 is half a byte`, 4);
  });

  it('reports a bad character with its column', () => {
    assertBadPattern('48 G0', `bad hex "48 G0": 'G' at column 4`, 4);
    assertBadPattern('48 4G', `bad hex "48 4G": 'G' at column 5`, 5);
    assertBadPattern('48 X0', `bad hex "48 X0": 'X' at column 4`, 4);
  });

  it('reports a half byte right before *', () => {
    assertBadPattern('48 4*', `bad hex "48 4*": '4' at column 4 is half a byte`, 4);
  });

  it('reports characters after the final *', () => {
    assertBadPattern('48 * 6C', `bad hex "48 * 6C": '6' at column 6 follows the final '*'`, 6);
    assertBadPattern('48 * *', `bad hex "48 * *": '*' at column 6 follows the final '*'`, 6);
  });
});

describe('matchesBytePattern', () => {
  it('matches wildcards and a tail', () => {
    assert.equal(matches('48 XX XX 6C *', '48 65 6C 6C 6F'), true);
    assert.equal(matches('48 XX XX 6C *', '48 00 FF 6C 01 02 03'), true);
  });

  it('lets the final * stand for an empty tail', () => {
    assert.equal(matches('48 XX XX 6C *', '48 65 6C 6C'), true);
    assert.equal(matches('*', ''), true);
    assert.equal(matches('*', '01 02'), true);
  });

  it('fails on a wrong byte or data shorter than the pattern', () => {
    assert.equal(matches('48 XX XX 6C *', '48 65 6C 6D 6F'), false);
    assert.equal(matches('48 XX XX 6C *', '48 65 6C'), false);
    assert.equal(matches('48 XX XX 6C *', ''), false);
  });

  it('demands the whole length without *', () => {
    assert.equal(matches('48 .. 6C', '48 00 6C'), true);
    assert.equal(matches('48 .. 6C', '48 00 6C 00'), false);
    assert.equal(matches('48 .. 6C', '48 00'), false);
    assert.equal(matches('', ''), true);
    assert.equal(matches('', '00'), false);
  });

  it('compares case-insensitively written hex', () => {
    assert.equal(matches('6c 6C', '6C 6C'), true);
  });
});

describe('explainMismatch', () => {
  it('names the first differing byte, 1-based', () => {
    assert.equal(explain('48 XX XX 6C *', '48 65 6C 6D 6F'), 'byte 4 is 6D, expected 6C');
    assert.equal(explain('48 65', '49 65'), 'byte 1 is 49, expected 48');
    assert.equal(explain('00 0A', '00 0B'), 'byte 2 is 0B, expected 0A');
  });

  it('says when the data is too short', () => {
    assert.equal(explain('48 XX XX 6C *', '48 65 6C'), 'the data ends after 3 bytes; the pattern wants 4 or more');
    assert.equal(explain('48 65', '48'), 'the data ends after 1 bytes; the pattern wants 2');
  });

  it('says when the data is too long without *', () => {
    assert.equal(explain('48 65', '48 65 6C'), 'the data has 1 more byte(s) than the 2 expected');
  });

  it('says when the data matches', () => {
    assert.equal(explain('48 XX *', '48 65 6C'), 'the data matches');
    assert.equal(explain('48 65', '48 65'), 'the data matches');
  });
});
