import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { HarnessCodes, HarnessError } from '../../core/errors.js';
import { parseHex, toHex } from '../../core/apdu/hex.js';
import { encodeTlv, findTag, parseTlv, TlvError } from '../../core/apdu/tlv.js';

/**
 * An FCI: 6F { 84 (DF name), A5 (proprietary) { 5F2D (language), 9F65 (max length),
 * BF0C (issuer discretionary, constructed) { C1 } } }.
 */
const FCI =
  '6F 1B 84 09 F0 43 41 52 44 53 50 45 43 A5 0E 5F 2D 02 65 6E 9F 65 01 FF BF 0C 02 C1 00';

function assertBadTlv(hex: string, position: number, fragment: string): void {
  assert.throws(
    () => parseTlv(parseHex(hex)),
    (e: unknown) => {
      assert.ok(e instanceof TlvError);
      assert.ok(e instanceof HarnessError);
      assert.equal(e.code, HarnessCodes.BAD_TLV);
      assert.equal(e.position, position);
      assert.ok(e.message.startsWith(`data is not BER-TLV at byte position ${position}: `), e.message);
      assert.ok(e.message.includes(fragment), `"${e.message}" should include "${fragment}"`);
      return true;
    },
  );
}

describe('parseTlv', () => {
  it('parses a nested FCI with offsets, lengths and children', () => {
    const [fci, ...rest] = parseTlv(parseHex(FCI));
    assert.equal(rest.length, 0);
    assert.ok(fci);
    assert.equal(fci.tag, 0x6f);
    assert.equal(fci.tagHex, '6F');
    assert.equal(fci.constructed, true);
    assert.equal(fci.length, 0x1b);
    assert.equal(fci.offset, 0);
    assert.deepEqual(
      fci.children?.map((n) => [n.tagHex, n.offset, n.length, n.constructed]),
      [
        ['84', 2, 9, false],
        ['A5', 13, 14, true],
      ],
    );
    const [dfName, proprietary] = fci.children ?? [];
    assert.equal(toHex(dfName?.value ?? Buffer.alloc(0)), 'F0 43 41 52 44 53 50 45 43');
    assert.equal(dfName?.children, undefined);
    assert.deepEqual(
      proprietary?.children?.map((n) => [n.tag, n.tagHex, n.offset, toHex(n.value)]),
      [
        [0x5f2d, '5F2D', 15, '65 6E'],
        [0x9f65, '9F65', 20, 'FF'],
        [0xbf0c, 'BF0C', 24, 'C1 00'],
      ],
    );
    const issuer = proprietary?.children?.[2];
    assert.deepEqual(issuer?.children?.map((n) => [n.tagHex, n.length, n.offset]), [['C1', 0, 27]]);
  });

  it('reads a sequence of top-level objects', () => {
    const nodes = parseTlv(parseHex('84 01 AA 85 02 BB CC'));
    assert.deepEqual(nodes.map((n) => [n.tagHex, toHex(n.value)]), [['84', 'AA'], ['85', 'BB CC']]);
  });

  it('reads long lengths 81, 82, 83 and 84', () => {
    for (const [header, size] of [['53 81 80', 0x80], ['53 81 FF', 0xff], ['53 82 01 00', 0x100], ['53 83 00 01 02', 0x102], ['53 84 00 00 01 03', 0x103]] as const) {
      const data = Buffer.concat([parseHex(header), Buffer.alloc(size, 0x5a)]);
      const [node] = parseTlv(data);
      assert.equal(node?.length, size, header);
      assert.equal(node?.value.length, size, header);
    }
  });

  it('reads three-byte tags', () => {
    const [node] = parseTlv(parseHex('7F 81 01 02 88 00'));
    assert.equal(node?.tag, 0x7f8101);
    assert.equal(node?.tagHex, '7F8101');
    assert.equal(node?.constructed, true);
    assert.deepEqual(node?.children?.map((n) => [n.tagHex, n.offset]), [['88', 4]]);
  });

  it('skips 00 and FF padding before, between and after objects, at every depth', () => {
    const nodes = parseTlv(parseHex('00 FF 84 01 AA 00 00 A5 05 00 88 01 01 FF FF'));
    assert.deepEqual(nodes.map((n) => [n.tagHex, n.offset]), [['84', 2], ['A5', 7]]);
    assert.deepEqual(nodes[1]?.children?.map((n) => [n.tagHex, n.offset]), [['88', 10]]);
  });

  it('gives empty data and padding alone no objects', () => {
    assert.deepEqual(parseTlv(Buffer.alloc(0)), []);
    assert.deepEqual(parseTlv(parseHex('00 FF 00')), []);
  });

  it('gives an empty constructed object no children', () => {
    const [node] = parseTlv(parseHex('A5 00'));
    assert.deepEqual(node?.children, []);
  });
});

describe('parseTlv errors', () => {
  it('reports a truncated tag', () => {
    assertBadTlv('5F', 2, 'tag 5F is cut short');
    assertBadTlv('84 01 AA 9F 81', 6, 'tag 9F81 is cut short');
  });

  it('reports a missing or truncated length', () => {
    assertBadTlv('84', 2, 'length missing');
    assertBadTlv('84 81', 3, 'length 81 needs 1 more byte(s)');
    assertBadTlv('84 82 01', 4, 'length 82 needs 2 more byte(s)');
  });

  it('reports a length beyond the data, at the object it belongs to', () => {
    assertBadTlv('84 05 01 02', 1, 'tag 84 says 5 value bytes but only 2 follow');
    assertBadTlv('6F 04 84 05 01 02', 3, 'tag 84 says 5 value bytes but only 2 follow');
    assertBadTlv('6F 05 84 01 AA', 1, 'tag 6F says 5 value bytes but only 3 follow');
  });

  it('refuses the indefinite length and length forms beyond 84', () => {
    assertBadTlv('A5 80 84 01 AA 00 00', 2, 'indefinite length (80) not allowed');
    assertBadTlv('84 85 00 00 00 00 01', 2, 'length byte 85 not supported');
  });

  it('refuses tags longer than 4 bytes', () => {
    assertBadTlv('1F 81 82 83 84 01 00', 1, 'tag longer than 4 bytes');
  });

  it('counts positions from the start of the data inside nested objects', () => {
    // The inner constructed 7F 81 01 holds AA with no length.
    assertBadTlv('6F 05 7F 81 01 01 AA', 8, 'length missing');
  });

  it('refuses absurd nesting instead of overflowing the stack', () => {
    const nested = Array.from({ length: 100 }).reduce<Buffer>((inner) => encodeTlv(0xa1, inner), Buffer.alloc(0));
    assert.throws(() => parseTlv(nested), /nested deeper than 64 levels/);
  });
});

describe('findTag', () => {
  it('finds tags at any depth, in raw data or parsed nodes', () => {
    const data = parseHex(FCI);
    assert.equal(toHex(findTag(data, '84')?.value ?? Buffer.alloc(0)), 'F0 43 41 52 44 53 50 45 43');
    assert.equal(findTag(data, '5F2D')?.value.toString('latin1'), 'en');
    assert.equal(findTag(parseTlv(data), '5f 2d')?.offset, 15);
    assert.equal(findTag(data, 'C1')?.offset, 27);
    assert.equal(findTag(data, '6F')?.offset, 0);
  });

  it('returns undefined when no object has the tag', () => {
    assert.equal(findTag(parseHex(FCI), '88'), undefined);
    assert.equal(findTag(parseHex(FCI), '5F2E'), undefined);
    assert.equal(findTag([], '84'), undefined);
  });

  it('takes the first match in depth-first order', () => {
    // 84 inside A5 comes before the top-level 84 that follows A5.
    const data = parseHex('A5 03 84 01 01 84 01 02');
    assert.equal(findTag(data, '84')?.offset, 2);
    // A parent matches before its own children.
    const twice = parseHex('A5 04 A5 02 84 00');
    assert.equal(findTag(twice, 'A5')?.offset, 0);
  });

  it('does not look inside primitive values', () => {
    assert.equal(findTag(parseHex('84 03 88 01 01'), '88'), undefined);
  });

  it('fails on data that is not BER-TLV', () => {
    assert.throws(() => findTag(parseHex('84 05 01'), '84'), /data is not BER-TLV at byte position 1/);
  });

  it('refuses a tag that is not exactly one BER-TLV tag', () => {
    const data = parseHex(FCI);
    assert.throws(() => findTag(data, '5F'), /"5F" is not a whole BER-TLV tag/);
    assert.throws(() => findTag(data, '5F2D33'), /"5F2D33" is not one BER-TLV tag/);
    assert.throws(() => findTag(data, ''), /"" is not a BER-TLV tag/);
    assert.throws(() => findTag(data, '8G'), (e: unknown) => e instanceof HarnessError && e.code === HarnessCodes.BAD_HEX);
  });
});

describe('encodeTlv', () => {
  it('builds the FCI byte for byte', () => {
    const fci = encodeTlv(0x6f, [
      encodeTlv(0x84, parseHex('F0 43 41 52 44 53 50 45 43')),
      encodeTlv(0xa5, [
        encodeTlv(0x5f2d, Buffer.from('en', 'latin1')),
        encodeTlv(0x9f65, Buffer.from([0xff])),
        encodeTlv(0xbf0c, encodeTlv(0xc1, Buffer.alloc(0))),
      ]),
    ]);
    assert.equal(toHex(fci), FCI);
  });

  it('uses the minimal length form', () => {
    const header = (n: number) => toHex(encodeTlv(0x53, Buffer.alloc(n)).subarray(0, 5));
    assert.equal(header(0).slice(0, 5), '53 00');
    assert.equal(header(0x7f).slice(0, 5), '53 7F');
    assert.equal(header(0x80).slice(0, 8), '53 81 80');
    assert.equal(header(0xff).slice(0, 8), '53 81 FF');
    assert.equal(header(0x100).slice(0, 11), '53 82 01 00');
    assert.equal(header(0x10000), '53 83 01 00 00');
  });

  it('round-trips through parseTlv', () => {
    const value = Buffer.alloc(300, 7);
    const [node] = parseTlv(encodeTlv(0x5f8101, value));
    assert.equal(node?.tag, 0x5f8101);
    assert.equal(node?.constructed, false);
    assert.equal(node?.length, 300);
    assert.ok(node?.value.equals(value));
  });

  it('refuses malformed tags', () => {
    assert.throws(() => encodeTlv(0x5f, Buffer.alloc(0)), RangeError);
    assert.throws(() => encodeTlv(0x9f81, Buffer.alloc(0)), RangeError);
    assert.throws(() => encodeTlv(0x8401, Buffer.alloc(0)), RangeError);
    assert.throws(() => encodeTlv(0, Buffer.alloc(0)), RangeError);
    assert.throws(() => encodeTlv(0xff, Buffer.alloc(0)), RangeError);
  });
});
