import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseHex } from '../../core/apdu/hex.js';
import { pinGuard } from '../../src/pcsc/pin-guard.js';

/** A card that answers the guard's status query with a fixed status word, and records it. */
function card(sw: string): { sent: string[]; send: (c: Buffer) => Promise<Buffer> } {
  const sent: string[] = [];
  return { sent, send: async (c) => (sent.push(c.toString('hex').toUpperCase()), parseHex(sw)) };
}

const guard = (allowed = false, trusted: string[] = []) => pinGuard({ allowed: () => allowed, trusted: () => trusted });
const WRONG_VERIFY = parseHex('00 20 00 01 04 30 30 30 30');

describe('pinGuard', () => {
  it('lets a VERIFY through while a wrong value would leave tries', async () => {
    const c = card('63C2');
    await guard()(WRONG_VERIFY, c.send);
    assert.deepEqual(c.sent, ['00200001']);
  });

  it('refuses a VERIFY when one try is left, naming @destructive', async () => {
    await assert.rejects(guard()(WRONG_VERIFY, card('63C1').send), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'CARDSPEC_REFUSED');
      assert.match(e.message, /PIN 01 has 1 try left/);
      assert.match(e.message, /@destructive/);
      return true;
    });
  });

  it('refuses when the PIN is blocked already', async () => {
    await assert.rejects(guard()(WRONG_VERIFY, card('6983').send), /blocked/);
  });

  it('asks about the PIN named by P2 with the command CLA', async () => {
    const c = card('63C3');
    await guard()(parseHex('01 24 00 81 08 31 32 33 34 35 36 37 38'), c.send);
    assert.deepEqual(c.sent, ['01200081']);
  });

  it('lets everything through in a @destructive scenario, without asking', async () => {
    const c = card('63C1');
    await guard(true)(WRONG_VERIFY, c.send);
    assert.deepEqual(c.sent, []);
  });

  it('trusts a VERIFY whose data is exactly the configured PIN', async () => {
    const c = card('63C1');
    await guard(false, ['31323334'])(parseHex('00 20 00 01 04 31 32 33 34'), c.send);
    assert.deepEqual(c.sent, []);
  });

  it('does not trust other bytes: the PIN with more after it, or before it', async () => {
    for (const command of ['00 20 00 01 05 31 32 33 34 FF', '00 20 00 01 08 30 30 30 30 31 32 33 34', '00 20 00 81 02 12 34']) {
      await assert.rejects(guard(false, ['31323334'])(parseHex(command), card('63C1').send), /1 try left/, command);
    }
  });

  it('trusts a CHANGE REFERENCE DATA that starts with the configured PIN, followed by the new one', async () => {
    const c = card('63C1');
    await guard(false, ['31323334'])(parseHex('00 24 00 01 08 31 32 33 34 35 36 37 38'), c.send);
    assert.deepEqual(c.sent, []);
    await assert.rejects(guard(false, ['31323334'])(parseHex('00 24 00 01 04 31 32 33 34'), card('63C1').send), /1 try left/);
  });

  it('leaves status queries and other commands alone', async () => {
    const c = card('63C1');
    for (const command of ['00 20 00 01', '00 B0 00 00 05', '00 A4 00 0C 02 3F 00', '00 B0 00 00 05 31']) {
      await guard()(parseHex(command), c.send);
    }
    assert.deepEqual(c.sent, []);
  });

  it('fails closed on a PIN command whose lengths do not add up: a card may read it as a try', async () => {
    for (const command of ['00 20 00 01 05 31', '00 20 00 01 04 31 32 33 34 00 00', '00 24 00 01 09 31 32 33 34']) {
      const c = card('63C5');
      await assert.rejects(guard()(parseHex(command), c.send), (e: Error & { code?: string }) => {
        assert.equal(e.code, 'CARDSPEC_REFUSED', command);
        assert.match(e.message, /may still take it as a PIN try/, command);
        return true;
      });
      assert.deepEqual(c.sent, [], command);
    }
    const c = card('63C1');
    await guard(true)(parseHex('00 20 00 01 05 31'), c.send);
    assert.deepEqual(c.sent, []);
  });

  it('fails closed: any answer to the tries query but 63Cx with x >= 2 refuses, naming what the card said', async () => {
    const cases: [string, RegExp][] = [
      ['6A86', /the card answered 6A86 to the tries query: wrong P1-P2/],
      ['6D00', /the card answered 6D00 to the tries query: INS not supported/],
      ['6700', /the card answered 6700 to the tries query/],
      ['9000', /the card answered 9000 to the tries query: the PIN is verified already/],
      ['6300', /the card answered 6300 to the tries query/],
      ['63C0', /PIN 01 has 0 try left/],
      ['6A88', /no such PIN/],
      ['', /no status word/],
      ['01 63C5', /1 data bytes and 63C5/],
    ];
    for (const [sw, message] of cases) {
      const c = card(sw);
      await assert.rejects(guard()(WRONG_VERIFY, c.send), (e: Error & { code?: string }) => {
        assert.equal(e.code, 'CARDSPEC_REFUSED', sw);
        assert.match(e.message, message, sw);
        assert.match(e.message, /tag the scenario @destructive/, sw);
        return true;
      });
      assert.deepEqual(c.sent, ['00200001'], `only the query was sent for ${sw}`);
    }
  });

  it('lets the configured PIN through whatever the card answers to queries (it sends none)', async () => {
    const c = card('6A86');
    await guard(false, ['31323334'])(parseHex('00 20 00 01 04 31 32 33 34'), c.send);
    assert.deepEqual(c.sent, []);
  });

  it('refuses RESET RETRY COUNTER, whose PUK tries cannot be read', async () => {
    const c = card('63C3');
    await assert.rejects(guard(false, ['31323334'])(parseHex('00 2C 00 01 0C 31 32 33 34 35 36 37 38 31 32 33 34'), c.send), /PUK/);
    assert.deepEqual(c.sent, []);
  });
});
