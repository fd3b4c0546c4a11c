import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { parseHex, toHex } from '../../core/apdu/hex.js';
import {
  ApduFormatError,
  apduCase,
  encodeCommand,
  encodeResponse,
  EXTENDED_NE_MAX,
  parseCommand,
  parseResponse,
  SHORT_NE_MAX,
  type CommandApdu,
} from '../../core/apdu/apdu.js';

const cmd = (hex: string): CommandApdu => parseCommand(parseHex(hex));

function assertField(c: CommandApdu, want: { cla?: number; ins: number; p1: number; p2: number; data: string; ne: number | undefined; extended: boolean }): void {
  if (want.cla !== undefined) assert.equal(c.cla, want.cla);
  assert.equal(c.ins, want.ins);
  assert.equal(c.p1, want.p1);
  assert.equal(c.p2, want.p2);
  assert.equal(toHex(c.data), want.data);
  assert.equal(c.ne, want.ne);
  assert.equal(c.extended, want.extended);
}

function assertRoundTrip(hex: string): void {
  const bytes = parseHex(hex);
  assert.equal(toHex(encodeCommand(parseCommand(bytes))), toHex(bytes), `round trip of ${hex}`);
}

function assertMalformed(hex: string, fragment: string): void {
  assert.throws(
    () => cmd(hex),
    (e: unknown) => {
      assert.ok(e instanceof ApduFormatError, `ApduFormatError for ${hex}`);
      assert.equal(e.name, 'ApduFormatError');
      assert.ok(e.message.includes(fragment), `"${e.message}" should include "${fragment}"`);
      return true;
    },
  );
}

describe('parseCommand, short', () => {
  it('case 1: header only', () => {
    const c = cmd('00 A4 04 00');
    assertField(c, { cla: 0, ins: 0xa4, p1: 4, p2: 0, data: '', ne: undefined, extended: false });
    assert.equal(apduCase(c), 1);
  });

  it('case 2: Le', () => {
    const c = cmd('00 B0 00 00 05');
    assertField(c, { ins: 0xb0, p1: 0, p2: 0, data: '', ne: 5, extended: false });
    assert.equal(apduCase(c), 2);
  });

  it('case 2: Le 00 means 256', () => {
    const c = cmd('00 B0 00 00 00');
    assert.equal(c.ne, 256);
    assert.equal(c.ne, SHORT_NE_MAX);
    assert.equal(c.extended, false);
    assert.equal(apduCase(c), 2);
  });

  it('case 3: Lc and data', () => {
    const c = cmd('00 A4 00 0C 02 3F 00');
    assertField(c, { ins: 0xa4, p1: 0, p2: 0x0c, data: '3F 00', ne: undefined, extended: false });
    assert.equal(apduCase(c), 3);
  });

  it('case 3: one data byte (body of two bytes)', () => {
    const c = cmd('00 A4 00 0C 01 3F');
    assertField(c, { ins: 0xa4, p1: 0, p2: 0x0c, data: '3F', ne: undefined, extended: false });
  });

  it('case 4: Lc, data and Le', () => {
    const c = cmd('00 A4 04 00 07 A0 00 00 02 47 10 01 10');
    assertField(c, { ins: 0xa4, p1: 4, p2: 0, data: 'A0 00 00 02 47 10 01', ne: 0x10, extended: false });
    assert.equal(apduCase(c), 4);
  });

  it('case 4: Le 00 means 256', () => {
    const c = cmd('00 A4 04 00 02 3F 00 00');
    assert.equal(c.ne, 256);
    assert.equal(toHex(c.data), '3F 00');
    assert.equal(apduCase(c), 4);
  });

  it('keeps the CLA, including channel and proprietary bits', () => {
    assert.equal(cmd('81 CA 9F 7F 00').cla, 0x81);
  });

  it('reads a command that is a view into a larger buffer', () => {
    const big = parseHex('FF FF 00 B0 00 00 05 EE');
    const c = parseCommand(big.subarray(2, 7));
    assertField(c, { cla: 0, ins: 0xb0, p1: 0, p2: 0, data: '', ne: 5, extended: false });
  });
});

describe('parseCommand, extended', () => {
  it('case 2E: Le 0000 means 65536 (00 B0 00 00 00 00 00)', () => {
    const c = cmd('00 B0 00 00 00 00 00');
    assertField(c, { ins: 0xb0, p1: 0, p2: 0, data: '', ne: 65536, extended: true });
    assert.equal(c.ne, EXTENDED_NE_MAX);
    assert.equal(apduCase(c), 2);
  });

  it('case 2E: Le 0100 is 256, not short', () => {
    const c = cmd('00 B0 00 00 00 01 00');
    assert.equal(c.ne, 256);
    assert.equal(c.extended, true);
  });

  it('case 3E: three-byte Lc', () => {
    const c = cmd('00 DA 01 02 00 00 03 AA BB CC');
    assertField(c, { ins: 0xda, p1: 1, p2: 2, data: 'AA BB CC', ne: undefined, extended: true });
    assert.equal(apduCase(c), 3);
  });

  it('case 4E: three-byte Lc, two-byte Le', () => {
    const c = cmd('00 2A 9E 9A 00 00 03 01 02 03 01 02');
    assertField(c, { ins: 0x2a, p1: 0x9e, p2: 0x9a, data: '01 02 03', ne: 0x102, extended: true });
    assert.equal(apduCase(c), 4);
  });

  it('case 4E: Le 0000 means 65536', () => {
    const c = cmd('00 2A 9E 9A 00 00 02 AB CD 00 00');
    assert.equal(c.ne, 65536);
    assert.equal(toHex(c.data), 'AB CD');
  });

  it('case 3E and 4E with more than 255 bytes of data', () => {
    const data = Buffer.alloc(300, 0x5a);
    const c3 = parseCommand(Buffer.concat([parseHex('00 D6 00 00 00 01 2C'), data]));
    assert.equal(c3.data.length, 300);
    assert.equal(c3.ne, undefined);
    const c4 = parseCommand(Buffer.concat([parseHex('00 D6 00 00 00 01 2C'), data, parseHex('00 10')]));
    assert.equal(c4.data.length, 300);
    assert.equal(c4.ne, 16);
  });
});

describe('parseCommand, malformed', () => {
  it('fewer than 4 bytes', () => {
    assertMalformed('00 A4 04', 'at least 4 bytes, got 3');
    assertMalformed('', 'got 0');
  });

  it('short Lc that does not match the data', () => {
    assertMalformed('00 A4 04 00 05 01 02', 'Lc is 5 but 2 bytes follow it');
    assertMalformed('00 A4 04 00 02 01 02 03 04', 'Lc is 2 but 4 bytes follow it');
  });

  it('a two-byte body starting with 00', () => {
    assertMalformed('00 B0 00 00 00 05', 'not a length field');
  });

  it('extended Lc 0', () => {
    assertMalformed('00 A4 04 00 00 00 00 01', 'extended Lc is 0');
  });

  it('extended Lc that does not match the data', () => {
    assertMalformed('00 A4 04 00 00 00 05 01 02', 'extended Lc is 5 but 2 bytes follow it');
    assertMalformed('00 A4 04 00 00 00 01 01 02', 'extended Lc is 1');
  });
});

describe('encodeCommand', () => {
  const base = { cla: 0x00, ins: 0xb0, p1: 0x00, p2: 0x00 };
  const none = Buffer.alloc(0);

  it('case 1', () => {
    assert.equal(toHex(encodeCommand({ ...base, data: none, ne: undefined, extended: false })), '00 B0 00 00');
  });

  it('case 2 short, Ne 256 as Le 00', () => {
    assert.equal(toHex(encodeCommand({ ...base, data: none, ne: 5, extended: false })), '00 B0 00 00 05');
    assert.equal(toHex(encodeCommand({ ...base, data: none, ne: 256, extended: false })), '00 B0 00 00 00');
  });

  it('case 2 extended, Ne 65536 as Le 0000', () => {
    assert.equal(toHex(encodeCommand({ ...base, data: none, ne: 65536, extended: true })), '00 B0 00 00 00 00 00');
    assert.equal(toHex(encodeCommand({ ...base, data: none, ne: 256, extended: true })), '00 B0 00 00 00 01 00');
  });

  it('switches to the extended form when Ne exceeds 256', () => {
    assert.equal(toHex(encodeCommand({ ...base, data: none, ne: 257, extended: false })), '00 B0 00 00 00 01 01');
  });

  it('case 3 short and extended', () => {
    const data = Buffer.from([0x3f, 0x00]);
    assert.equal(toHex(encodeCommand({ ...base, ins: 0xa4, p2: 0x0c, data, ne: undefined, extended: false })), '00 A4 00 0C 02 3F 00');
    assert.equal(toHex(encodeCommand({ ...base, ins: 0xa4, p2: 0x0c, data, ne: undefined, extended: true })), '00 A4 00 0C 00 00 02 3F 00');
  });

  it('case 4 short and extended', () => {
    const data = Buffer.from([0x3f, 0x00]);
    assert.equal(toHex(encodeCommand({ ...base, ins: 0xa4, data, ne: 256, extended: false })), '00 A4 00 00 02 3F 00 00');
    assert.equal(toHex(encodeCommand({ ...base, ins: 0xa4, data, ne: 65536, extended: true })), '00 A4 00 00 00 00 02 3F 00 00 00');
    assert.equal(toHex(encodeCommand({ ...base, ins: 0xa4, data, ne: 0x1234, extended: true })), '00 A4 00 00 00 00 02 3F 00 12 34');
  });

  it('switches to the extended form for more than 255 data bytes', () => {
    const out = encodeCommand({ ...base, ins: 0xd6, data: Buffer.alloc(256, 1), ne: undefined, extended: false });
    assert.equal(out.length, 4 + 3 + 256);
    assert.equal(toHex(out.subarray(0, 7)), '00 D6 00 00 00 01 00');
  });

  it('rejects an Ne out of range and data that is too long', () => {
    assert.throws(() => encodeCommand({ ...base, data: none, ne: 0, extended: false }), ApduFormatError);
    assert.throws(() => encodeCommand({ ...base, data: none, ne: 65537, extended: true }), ApduFormatError);
    assert.throws(() => encodeCommand({ ...base, data: Buffer.alloc(65536), ne: undefined, extended: true }), ApduFormatError);
  });

  it('round-trips every case, short and extended', () => {
    for (const hex of [
      '00 A4 04 00',
      '00 B0 00 00 05',
      '00 B0 00 00 00',
      '00 A4 00 0C 02 3F 00',
      '00 A4 04 00 02 3F 00 00',
      '00 A4 04 00 02 3F 00 FF',
      '00 B0 00 00 00 00 00',
      '00 B0 00 00 00 01 00',
      '00 B0 00 00 00 FF FF',
      '00 DA 01 02 00 00 03 AA BB CC',
      '00 2A 9E 9A 00 00 03 01 02 03 01 02',
      '00 2A 9E 9A 00 00 02 AB CD 00 00',
    ]) {
      assertRoundTrip(hex);
    }
  });
});

describe('apduCase', () => {
  it('classifies data and ne', () => {
    const none = Buffer.alloc(0);
    const some = Buffer.from([1]);
    assert.equal(apduCase({ data: none, ne: undefined }), 1);
    assert.equal(apduCase({ data: none, ne: 1 }), 2);
    assert.equal(apduCase({ data: some, ne: undefined }), 3);
    assert.equal(apduCase({ data: some, ne: 65536 }), 4);
  });
});

describe('parseResponse and encodeResponse', () => {
  it('splits data and status word', () => {
    const r = parseResponse(parseHex('48 65 6C 6C 6F 90 00'));
    assert.equal(toHex(r.data), '48 65 6C 6C 6F');
    assert.equal(r.sw, 0x9000);
  });

  it('reads a bare status word', () => {
    const r = parseResponse(parseHex('6A 82'));
    assert.equal(r.data.length, 0);
    assert.equal(r.sw, 0x6a82);
  });

  it('reads a response that is a view into a larger buffer', () => {
    const big = parseHex('11 22 33 61 10 44');
    const r = parseResponse(big.subarray(2, 5));
    assert.equal(toHex(r.data), '33');
    assert.equal(r.sw, 0x6110);
  });

  it('rejects fewer than 2 bytes', () => {
    assert.throws(() => parseResponse(parseHex('90')), ApduFormatError);
    assert.throws(() => parseResponse(Buffer.alloc(0)), /at least 2 bytes, got 0/);
  });

  it('encodes data and status word', () => {
    assert.equal(toHex(encodeResponse(parseHex('01 02'), 0x6283)), '01 02 62 83');
    assert.equal(toHex(encodeResponse(Buffer.alloc(0), 0x9000)), '90 00');
  });

  it('round-trips', () => {
    const bytes = parseHex('DE AD BE EF 61 05');
    const r = parseResponse(bytes);
    assert.deepEqual(encodeResponse(r.data, r.sw), bytes);
  });
});
