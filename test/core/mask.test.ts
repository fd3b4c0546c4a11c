import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { parseHex } from '../../core/apdu/hex.js';
import { SECRET_DATA_INS } from '../../core/apdu/ins.js';
import { formatCommand, MASK, maskSecrets } from '../../src/trace/mask.js';

const fmt = (hex: string): string => formatCommand(parseHex(hex));

describe('formatCommand', () => {
  it('uses *** as the mask and knows VERIFY, CHANGE REFERENCE DATA and RESET RETRY COUNTER, even and odd INS', () => {
    assert.equal(MASK, '***');
    assert.deepEqual([...SECRET_DATA_INS].sort((a, b) => a - b), [0x20, 0x21, 0x24, 0x25, 0x2c, 0x2d]);
  });

  it('masks the data of VERIFY (INS 20)', () => {
    const out = fmt('00 20 00 81 04 31 32 33 34');
    assert.equal(out, '00 20 00 81 04 ***');
    assert.ok(!out.includes('31'));
  });

  it('masks the data of CHANGE REFERENCE DATA (INS 24)', () => {
    assert.equal(fmt('00 24 00 81 08 31 32 33 34 35 36 37 38'), '00 24 00 81 08 ***');
  });

  it('masks the data of RESET RETRY COUNTER (INS 2C)', () => {
    assert.equal(fmt('00 2C 00 81 08 11 22 33 44 35 36 37 38'), '00 2C 00 81 08 ***');
  });

  it('masks whatever the CLA', () => {
    assert.equal(fmt('80 20 00 01 02 AB CD'), '80 20 00 01 02 ***');
  });

  it('masks the data of an extended VERIFY after the three-byte Lc', () => {
    const out = fmt('00 20 00 81 00 00 04 31 32 33 34');
    assert.equal(out, '00 20 00 81 00 00 04 ***');
    assert.ok(!out.includes('31 32'));
  });

  it('shows a VERIFY without data whole', () => {
    assert.equal(fmt('00 20 00 01'), '00 20 00 01');
  });

  it('masks the data of the odd-INS forms (VERIFY 21, CHANGE REFERENCE DATA 25, RESET RETRY COUNTER 2D)', () => {
    assert.equal(fmt('00 21 00 81 06 7F 2E 03 31 32 33'), '00 21 00 81 06 ***');
    assert.equal(fmt('00 25 00 81 03 7F 2E 00'), '00 25 00 81 03 ***');
    assert.equal(fmt('00 2D 00 81 03 7F 2E 00'), '00 2D 00 81 03 ***');
  });

  it('does not mask other commands', () => {
    assert.equal(fmt('00 A4 04 00 02 3F 00'), '00 A4 04 00 02 3F 00');
    assert.equal(fmt('00 D6 00 00 04 31 32 33 34'), '00 D6 00 00 04 31 32 33 34');
    assert.equal(fmt('00 22 41 B6 03 83 01 01'), '00 22 41 B6 03 83 01 01');
  });
});

describe('maskSecrets', () => {
  it('masks a PIN written as digits both as hex and as the hex of its text', () => {
    assert.equal(maskSecrets('plaintext 31 32 33 34, data 12 34 56', ['1234']), 'plaintext ***, data *** 56');
  });

  it('replaces a secret as written', () => {
    assert.equal(maskSecrets('PIN is hunter2, again hunter2', ['hunter2']), 'PIN is ***, again ***');
  });

  it('replaces a hex secret and its spaced-hex form', () => {
    const text = 'sent 00 20 00 01 04 31 32 33 34; expanded 31323334';
    const out = maskSecrets(text, ['31323334']);
    assert.equal(out, 'sent 00 20 00 01 04 ***; expanded ***');
  });

  it('replaces several secrets and ignores empty ones', () => {
    assert.equal(maskSecrets('a 1234 b 31323334 c', ['', '1234', '31323334']), 'a *** b *** c');
    assert.equal(maskSecrets('unchanged', ['']), 'unchanged');
  });

  it('masks a hex secret written with colons or grouped, as traces print it', () => {
    assert.equal(maskSecrets('00 D6 00 00 04 11 22 33 44', ['11:22:33:44']), '00 D6 00 00 04 ***');
    assert.equal(maskSecrets('00 D6 00 00 04 11 22 33 44', ['1122 3344']), '00 D6 00 00 04 ***');
  });

  it('leaves text without secrets alone', () => {
    assert.equal(maskSecrets('00 A4 04 00', ['9999']), '00 A4 04 00');
    assert.equal(maskSecrets('text', []), 'text');
  });
});
