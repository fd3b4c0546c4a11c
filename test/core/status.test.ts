import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { HarnessCodes, HarnessError } from '../../core/errors.js';
import {
  describeStatusWord,
  matchesStatusWord,
  parseStatusWordPattern,
  statusWordGroup,
  StatusWordPatternError,
} from '../../core/apdu/status.js';

describe('describeStatusWord', () => {
  const fixed: [number, string][] = [
    [0x9000, 'success'],
    [0x6282, 'end of file reached before Le bytes'],
    [0x6283, 'selected file deactivated'],
    [0x6581, 'memory failure'],
    [0x6700, 'wrong length'],
    [0x6881, 'logical channel not supported'],
    [0x6882, 'secure messaging not supported'],
    [0x6884, 'command chaining not supported'],
    [0x6982, 'security status not satisfied'],
    [0x6983, 'authentication method blocked'],
    [0x6985, 'conditions of use not satisfied'],
    [0x6986, 'command not allowed (no current EF)'],
    [0x6a82, 'file or application not found'],
    [0x6a83, 'record not found'],
    [0x6a86, 'incorrect parameters P1-P2'],
    [0x6a88, 'referenced data or reference data not found'],
    [0x6b00, 'wrong parameters P1-P2'],
    [0x6d00, 'instruction not supported'],
    [0x6e00, 'class not supported'],
    [0x6f00, 'no precise diagnosis'],
  ];
  for (const [sw, meaning] of fixed) {
    it(`reads ${sw.toString(16).toUpperCase()} as "${meaning}"`, () => {
      assert.equal(describeStatusWord(sw), meaning);
    });
  }

  it('counts the bytes of 61XX and 6CXX in decimal, 00 standing for 256', () => {
    assert.equal(describeStatusWord(0x6110), '16 more bytes available (GET RESPONSE)');
    assert.equal(describeStatusWord(0x6100), '256 more bytes available (GET RESPONSE)');
    assert.equal(describeStatusWord(0x6c20), 'wrong Le: 32 bytes available');
    assert.equal(describeStatusWord(0x6c00), 'wrong Le: 256 bytes available');
  });

  it('reads the tries left from the low nibble of 63CX', () => {
    assert.equal(describeStatusWord(0x63c2), 'verification failed, 2 tries left');
    assert.equal(describeStatusWord(0x63c1), 'verification failed, 1 try left');
    assert.equal(describeStatusWord(0x63c0), 'verification failed, 0 tries left');
    assert.equal(describeStatusWord(0x63cf), 'verification failed, 15 tries left');
  });

  it('names card-triggered warnings and falls back to the SW1 family for undefined SW2', () => {
    assert.equal(describeStatusWord(0x6210), 'triggering by the card (SW2 = 10)');
    assert.equal(describeStatusWord(0x6a99), 'wrong parameters P1-P2 (SW2 99 not defined by ISO 7816-4)');
    assert.equal(describeStatusWord(0x6600), 'security-related issue (SW2 00 not defined by ISO 7816-4)');
  });

  it('tells proprietary and unknown words apart', () => {
    assert.equal(describeStatusWord(0x9100), 'proprietary status word 9100');
    assert.equal(describeStatusWord(0x6000), 'unknown status word 6000 (not defined by ISO 7816-4)');
  });

  it('refuses numbers that are not 16-bit status words', () => {
    assert.throws(() => describeStatusWord(0x10000), RangeError);
    assert.throws(() => describeStatusWord(-1), RangeError);
    assert.throws(() => describeStatusWord(1.5), RangeError);
  });
});

describe('statusWordGroup', () => {
  it('puts each SW1 in its ISO 7816-4 group', () => {
    assert.equal(statusWordGroup(0x9000), 'normal');
    assert.equal(statusWordGroup(0x6105), 'normal');
    assert.equal(statusWordGroup(0x6282), 'warning');
    assert.equal(statusWordGroup(0x63c3), 'warning');
    assert.equal(statusWordGroup(0x6400), 'execution-error');
    assert.equal(statusWordGroup(0x6581), 'execution-error');
    assert.equal(statusWordGroup(0x6600), 'execution-error');
    assert.equal(statusWordGroup(0x6700), 'checking-error');
    assert.equal(statusWordGroup(0x6c10), 'checking-error');
    assert.equal(statusWordGroup(0x6f00), 'checking-error');
  });

  it('leaves proprietary and invalid words out of every group', () => {
    assert.equal(statusWordGroup(0x9001), undefined);
    assert.equal(statusWordGroup(0x9100), undefined);
    assert.equal(statusWordGroup(0x6000), undefined);
  });


});

describe('status word patterns', () => {
  it('matches exact words and only those', () => {
    assert.equal(matchesStatusWord('9000', 0x9000), true);
    assert.equal(matchesStatusWord('9000', 0x9001), false);
    assert.equal(matchesStatusWord('6A82', 0x6a82), true);
    assert.equal(matchesStatusWord('6a82', 0x6a82), true);
  });

  it('lets X or x stand for any nibble', () => {
    assert.equal(matchesStatusWord('63CX', 0x63c2), true);
    assert.equal(matchesStatusWord('63cx', 0x63cf), true);
    assert.equal(matchesStatusWord('63CX', 0x63b2), false);
    assert.equal(matchesStatusWord('61XX', 0x6100), true);
    assert.equal(matchesStatusWord('61XX', 0x6200), false);
    assert.equal(matchesStatusWord('XXXX', 0x1234), true);
    assert.equal(matchesStatusWord('X000', 0x9000), true);
    assert.equal(matchesStatusWord('X000', 0x9100), false);
  });

  it('accepts separators between bytes', () => {
    assert.deepEqual(parseStatusWordPattern('90 00'), { value: 0x9000, mask: 0xffff, text: '90 00' });
    assert.deepEqual(parseStatusWordPattern('63:CX'), { value: 0x63c0, mask: 0xfff0, text: '63:CX' });
    assert.equal(matchesStatusWord(' 6A 82 ', 0x6a82), true);
  });

  it('takes an already parsed pattern', () => {
    const p = parseStatusWordPattern('6CXX');
    assert.equal(matchesStatusWord(p, 0x6c10), true);
    assert.equal(matchesStatusWord(p, 0x6d00), false);
  });

  const bad: [string, number, string][] = [
    ['63CG', 4, `bad status word pattern "63CG": 'G' at column 4`],
    ['9O00', 2, `bad status word pattern "9O00": 'O' at column 2`],
    ['90 0G', 5, `bad status word pattern "90 0G": 'G' at column 5`],
    ['6 1 X X', 1, `bad status word pattern "6 1 X X": '6' at column 1 is half a byte`],
    ['900', 3, `bad status word pattern "900": '0' at column 3 is half a byte`],
    ['90000', 5, `bad status word pattern "90000": '0' at column 5 is a fifth digit; a status word has 4`],
    ['90', 3, `bad status word pattern "90": 2 digit(s); a status word has 4`],
    ['', 1, `bad status word pattern "": 0 digit(s); a status word has 4`],
  ];
  for (const [text, column, message] of bad) {
    it(`refuses "${text}" with the 1-based column ${column}`, () => {
      assert.throws(
        () => parseStatusWordPattern(text),
        (e: unknown) => {
          assert.ok(e instanceof StatusWordPatternError);
          assert.ok(e instanceof HarnessError);
          assert.equal(e.code, HarnessCodes.BAD_HEX);
          assert.equal(e.column, column);
          assert.equal(e.message, message);
          return true;
        },
      );
    });
  }

  it('refuses a bad pattern even through matchesStatusWord', () => {
    assert.throws(() => matchesStatusWord('63CG', 0x63c0), StatusWordPatternError);
  });
});
