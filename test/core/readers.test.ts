import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { parseHex } from '../../core/apdu/hex.js';
import { cardNames } from '../../src/cli/readers.js';

const LIST = [
  '# smartcard_list.txt - a few entries for the tests',
  '',
  '3B 88 01 43 41 52 44 53 50 45 43 98',
  '\tcardspec demo card (T=1)',
  '\thttps://example.invalid/cardspec',
  '',
  '3B 8F 80 01 80 4F 0C A0 00 00 03 06 .. 00 .. 00 00 00 00 ..',
  '\tPC/SC storage card',
  '',
  '3B 88 01 43 41 52 44 53 50 45 43 ..',
  '\tAny CARDSPEC-like card',
  '',
  '3B [ bad regex',
  '\tnever shown',
  '',
  '3B 02 14 50',
  '\tSchlumberger Multiflex 3k',
].join('\n');

describe('cardNames', () => {
  it('gives every tab-indented name of every matching ATR line, in order', () => {
    assert.deepEqual(cardNames(parseHex('3B 88 01 43 41 52 44 53 50 45 43 98'), LIST), [
      'cardspec demo card (T=1)',
      'https://example.invalid/cardspec',
      'Any CARDSPEC-like card',
    ]);
  });

  it('matches .. wildcards', () => {
    const atr = parseHex('3B 8F 80 01 80 4F 0C A0 00 00 03 06 03 00 01 00 00 00 00 6A');
    assert.deepEqual(cardNames(atr, LIST), ['PC/SC storage card']);
  });

  it('matches the whole ATR, not a prefix', () => {
    assert.deepEqual(cardNames(parseHex('3B 02 14 50 00'), LIST), []);
    assert.deepEqual(cardNames(parseHex('3B 02 14 50'), LIST), ['Schlumberger Multiflex 3k']);
  });

  it('gives nothing for an unknown ATR and survives a bad regex line', () => {
    assert.deepEqual(cardNames(parseHex('3B 00'), LIST), []);
    assert.deepEqual(cardNames(parseHex('3B 00'), ''), []);
  });

  it('matches lower-case list entries', () => {
    assert.deepEqual(cardNames(parseHex('3B 02 14 5A'), '3b 02 14 5a\n\tlower case\n'), ['lower case']);
  });
});
