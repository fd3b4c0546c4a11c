import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { parseHex, toHex } from '../../core/apdu/hex.js';
import { exchange, getResponseCla, withLe, type Transmit } from '../../src/pcsc/exchange.js';

/** A card that expects exactly these commands, in order, and gives these answers. */
function scripted(script: [command: string, response: string][]): { transmit: Transmit; sent: string[]; done: () => void } {
  const sent: string[] = [];
  let step = 0;
  const transmit: Transmit = async (command) => {
    sent.push(toHex(command));
    const entry = script[step++];
    assert.ok(entry, `unexpected extra command ${toHex(command)}`);
    assert.equal(toHex(command), toHex(parseHex(entry[0])), `command ${step}`);
    return parseHex(entry[1]);
  };
  return { transmit, sent, done: () => assert.equal(step, script.length, 'every scripted command was sent') };
}

describe('exchange', () => {
  it('passes a plain answer through', async () => {
    const card = scripted([['00 B0 00 00 02', '01 02 90 00']]);
    const r = await exchange(card.transmit, parseHex('00 B0 00 00 02'), true);
    assert.equal(toHex(r.data), '01 02');
    assert.equal(r.sw, 0x9000);
    card.done();
  });

  it('follows 61xx with GET RESPONSE, gathering data across pieces', async () => {
    const card = scripted([
      ['00 A4 04 00 02 3F 00', 'AA 61 03'],
      ['00 C0 00 00 03', 'BB CC DD 61 02'],
      ['00 C0 00 00 02', 'EE FF 90 00'],
    ]);
    const r = await exchange(card.transmit, parseHex('00 A4 04 00 02 3F 00'), true);
    assert.equal(toHex(r.data), 'AA BB CC DD EE FF');
    assert.equal(r.sw, 0x9000);
    card.done();
  });

  it('keeps the final status word of a chain that ends in an error', async () => {
    const card = scripted([
      ['00 CA 00 6E', '61 02'],
      ['00 C0 00 00 02', '01 02 62 82'],
    ]);
    const r = await exchange(card.transmit, parseHex('00 CA 00 6E'), true);
    assert.equal(toHex(r.data), '01 02');
    assert.equal(r.sw, 0x6282);
    card.done();
  });

  it('GET RESPONSE with Le 00 after 6100', async () => {
    const card = scripted([
      ['00 CA 00 6E', '61 00'],
      ['00 C0 00 00 00', '01 90 00'],
    ]);
    const r = await exchange(card.transmit, parseHex('00 CA 00 6E'), true);
    assert.equal(toHex(r.data), '01');
    card.done();
  });

  it('re-sends the command with Le = xx after 6Cxx', async () => {
    const card = scripted([
      ['00 B0 00 00 10', '6C 05'],
      ['00 B0 00 00 05', '01 02 03 04 05 90 00'],
    ]);
    const r = await exchange(card.transmit, parseHex('00 B0 00 00 10'), true);
    assert.equal(toHex(r.data), '01 02 03 04 05');
    assert.equal(r.sw, 0x9000);
    card.done();
  });

  it('re-sends with Le 00 after 6C00', async () => {
    const card = scripted([
      ['00 B0 00 00 10', '6C 00'],
      ['00 B0 00 00 00', '90 00'],
    ]);
    await exchange(card.transmit, parseHex('00 B0 00 00 10'), true);
    card.done();
  });

  it('adds Le to a case 1 or case 3 command answered with 6Cxx', async () => {
    const case1 = scripted([
      ['80 CA 9F 7F', '6C 2D'],
      ['80 CA 9F 7F 2D', '90 00'],
    ]);
    await exchange(case1.transmit, parseHex('80 CA 9F 7F'), true);
    case1.done();
    const case3 = scripted([
      ['00 A4 04 00 02 3F 00', '6C 12'],
      ['00 A4 04 00 02 3F 00 12', '90 00'],
    ]);
    await exchange(case3.transmit, parseHex('00 A4 04 00 02 3F 00'), true);
    case3.done();
  });

  it('follows a 61xx that answers the re-sent command', async () => {
    const card = scripted([
      ['00 B0 00 00 10', '6C 04'],
      ['00 B0 00 00 04', '01 02 61 01'],
      ['00 C0 00 00 01', '03 90 00'],
    ]);
    const r = await exchange(card.transmit, parseHex('00 B0 00 00 10'), true);
    assert.equal(toHex(r.data), '01 02 03');
    card.done();
  });

  it('re-sends a GET RESPONSE answered with 6Cxx with Le = xx', async () => {
    const card = scripted([
      ['00 A4 04 00 02 3F 00', '61 10'],
      ['00 C0 00 00 10', '6C 08'],
      ['00 C0 00 00 08', '01 02 03 04 05 06 07 08 90 00'],
    ]);
    const r = await exchange(card.transmit, parseHex('00 A4 04 00 02 3F 00'), true);
    assert.equal(toHex(r.data), '01 02 03 04 05 06 07 08');
    assert.equal(r.sw, 0x9000);
    card.done();
  });

  it('with automatic off, returns the raw first answer and sends nothing more', async () => {
    for (const answer of ['AA 61 03', '6C 05']) {
      const card = scripted([['00 B0 00 00 10', answer]]);
      const r = await exchange(card.transmit, parseHex('00 B0 00 00 10'), false);
      assert.equal(toHex(Buffer.concat([r.data, Buffer.from([r.sw >> 8, r.sw & 0xff])])), answer);
      card.done();
    }
  });

  for (const [cla, getCla] of [
    ['01', '01'],
    ['03', '03'],
    ['0C', '00'],
    ['41', '41'],
    ['4F', '4F'],
    ['80', '00'],
    ['81', '01'],
  ] as const) {
    it(`sends GET RESPONSE with CLA ${getCla} after a command with CLA ${cla}`, async () => {
      const card = scripted([
        [`${cla} CA 00 6E`, '61 01'],
        [`${getCla} C0 00 00 01`, '01 90 00'],
      ]);
      await exchange(card.transmit, parseHex(`${cla} CA 00 6E`), true);
      card.done();
    });
  }

  it('stops a card that answers 61xx forever after a bounded number of rounds, and says so', async () => {
    let count = 0;
    const transmit: Transmit = async () => {
      count++;
      assert.ok(count < 10_000, 'the exchange must stop');
      return parseHex('AB 61 01');
    };
    await assert.rejects(exchange(transmit, parseHex('00 B0 00 00 00'), true), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'CARDSPEC_CARD_ERROR');
      assert.match(e.message, /kept answering 61xx after 256 GET RESPONSE/);
      return true;
    });
    assert.equal(count, 257, 'the command and 256 GET RESPONSEs');
  });
});

describe('getResponseCla', () => {
  it('keeps the logical channel bits', () => {
    assert.equal(getResponseCla(0x00), 0x00);
    assert.equal(getResponseCla(0x01), 0x01);
    assert.equal(getResponseCla(0x41), 0x41);
    assert.equal(getResponseCla(0x4f), 0x4f);
    assert.equal(getResponseCla(0x6f), 0x4f);
    assert.equal(getResponseCla(0x80), 0x00);
    assert.equal(getResponseCla(0x83), 0x03);
  });
});

describe('withLe', () => {
  const le = (hex: string, n: number): string => toHex(withLe(parseHex(hex), n));

  it('sets, replaces or adds Le on short commands', () => {
    assert.equal(le('00 B0 00 00 10', 5), '00 B0 00 00 05');
    assert.equal(le('00 B0 00 00', 5), '00 B0 00 00 05');
    assert.equal(le('00 A4 04 00 02 3F 00', 0x20), '00 A4 04 00 02 3F 00 20');
    assert.equal(le('00 A4 04 00 02 3F 00 00', 0x20), '00 A4 04 00 02 3F 00 20');
  });

  it('writes 0 as Le 00 (256) on short commands', () => {
    assert.equal(le('00 B0 00 00 10', 0), '00 B0 00 00 00');
  });

  it('keeps the extended form, 0 meaning 65536', () => {
    assert.equal(le('00 B0 00 00 00 01 00', 0x10), '00 B0 00 00 00 00 10');
    assert.equal(le('00 B0 00 00 00 01 00', 0), '00 B0 00 00 00 00 00');
  });
});
