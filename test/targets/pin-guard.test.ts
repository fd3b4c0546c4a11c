import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseHex } from '../../core/apdu/hex.js';
import { cardPinForms, pinGuard, type PinGuardPolicy } from '../../src/pcsc/pin-guard.js';

/** A card that answers the guard's status query with a fixed status word, and records it. */
function card(sw: string): { sent: string[]; send: (c: Buffer) => Promise<Buffer> } {
  const sent: string[] = [];
  return { sent, send: async (c) => (sent.push(c.toString('hex').toUpperCase()), parseHex(sw)) };
}

/**
 * The guard with `cardPin` as the configured PIN's forms and `secret` as the bytes that
 * `${...}` secrets put into the APDUs (by default: the configured PIN, as features send it).
 */
const guard = (allowed = false, cardPin: string[] = [], secret: string[] = cardPin, more: Partial<PinGuardPolicy> = {}) =>
  pinGuard({ allowed: () => allowed, cardPin: () => cardPin, secretBytes: () => secret, ...more });
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

  it('trusts only the configured PIN: another value from the environment is checked, and refused with one try left', async () => {
    // ${env:WRONG_PIN} and ${env:OLD_PIN} are secrets too, but not the card's PIN.
    const secrets = ['31323334', '30303030', '39393939'];
    for (const command of ['00 20 00 01 04 30 30 30 30', '00 20 00 01 04 39 39 39 39']) {
      const c = card('63C1');
      await assert.rejects(guard(false, ['31323334'], secrets)(parseHex(command), c.send), (e: Error & { code?: string }) => {
        assert.equal(e.code, 'CARDSPEC_REFUSED', command);
        assert.match(e.message, /PIN 01 has 1 try left/, command);
        return true;
      });
      assert.deepEqual(c.sent, ['00200001'], `only the tries query went to the card for ${command}`);
    }
    const c = card('63C2');
    await guard(false, ['31323334'], secrets)(parseHex('00 20 00 01 04 30 30 30 30'), c.send);
    assert.deepEqual(c.sent, ['00200001'], 'with two tries left the other value goes, after the query');
  });

  it('trusts nothing when no PIN is configured (unset or empty): every value is checked', async () => {
    const c = card('63C1');
    await assert.rejects(guard(false, [], ['31323334'])(parseHex('00 20 00 01 04 31 32 33 34'), c.send), /1 try left/);
    assert.deepEqual(c.sent, ['00200001']);
  });

  it('does not trust the configured PIN typed out in hex: only where a ${...} secret put it', async () => {
    // CARD_PIN=1234 held as text: bytes 12 34 typed in a feature are another value.
    for (const command of ['00 20 00 01 02 12 34', '00 20 00 01 04 31 32 33 34']) {
      const c = card('63C1');
      await assert.rejects(guard(false, cardPinForms('1234'), [])(parseHex(command), c.send), /1 try left/, command);
      assert.deepEqual(c.sent, ['00200001'], command);
    }
  });

  it('names the configured PIN in a refusal that the tries left decide, never its value', async () => {
    const note = () => 'only the configured card PIN, cardPin ${env:CARD_PIN}, is sent without this check';
    for (const sw of ['63C1', '6A86', '']) {
      await assert.rejects(guard(false, ['31323334'], ['31323334'], { cardPinNote: note })(WRONG_VERIFY, card(sw).send), (e: Error) => {
        assert.match(e.message, /\(only the configured card PIN, cardPin \$\{env:CARD_PIN\}, is sent without this check\); tag the scenario @destructive/, sw);
        assert.doesNotMatch(e.message, /1234|31323334/, sw);
        return true;
      });
    }
  });

  it('trusts CHANGE REFERENCE DATA of the configured PIN to itself, and refuses one that would give the PIN a new value', async () => {
    const c = card('63C3');
    await guard(false, ['31323334'])(parseHex('00 24 00 01 08 31 32 33 34 31 32 33 34'), c.send);
    assert.deepEqual(c.sent, []);
    for (const command of ['00 24 00 01 08 31 32 33 34 35 36 37 38', '00 24 01 01 04 35 36 37 38', '00 25 00 01 04 80 02 31 32']) {
      const refused = card('63C3');
      await assert.rejects(guard(false, ['31323334'])(parseHex(command), refused.send), (e: Error & { code?: string }) => {
        assert.equal(e.code, 'CARDSPEC_REFUSED', command);
        assert.match(e.message, /may give PIN 01 a new value|would give PIN 01 a new value/, command);
        assert.match(e.message, /the configured card PIN would be wrong from then on/, command);
        return true;
      });
      assert.deepEqual(refused.sent, [], command);
    }
  });

  it('checks a CHANGE REFERENCE DATA whose current value is not the configured PIN like a wrong VERIFY', async () => {
    const c = card('63C2');
    await guard(false, ['31323334'])(parseHex('00 24 00 01 08 30 30 30 30 35 36 37 38'), c.send);
    assert.deepEqual(c.sent, ['00200001']);
    await assert.rejects(guard(false, ['31323334'])(parseHex('00 24 00 01 04 31 32 33 34'), card('63C1').send), /1 try left/);
  });

  it('tells when a @destructive scenario sends a command that may give a PIN a new value', async () => {
    let changed = 0;
    const destructive = guard(true, ['31323334'], ['31323334'], { pinChanged: () => changed++ });
    for (const command of ['00 20 00 01 04 30 30 30 30', '00 20 00 01', '00 24 00 01', '00 2C 03 01']) await destructive(parseHex(command), card('63C1').send);
    assert.equal(changed, 0, 'VERIFY and commands without data change no PIN');
    for (const command of ['00 24 00 01 08 31 32 33 34 35 36 37 38', '00 2C 00 01 0C 31 32 33 34 35 36 37 38 31 32 33 34', '00 24 00 01 05 31']) {
      await destructive(parseHex(command), card('63C1').send);
    }
    assert.equal(changed, 3);
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

describe('cardPinForms', () => {
  it('gives the PIN as ASCII text, and as hex when it is written as hex', () => {
    assert.deepEqual(cardPinForms('1234'), ['31323334', '1234']);
    assert.deepEqual(cardPinForms('12 3a:BC'), ['31322033613A4243', '123ABC']);
    assert.deepEqual(cardPinForms('secret'), ['736563726574']);
    assert.deepEqual(cardPinForms('123'), ['313233']);
  });

  it('gives nothing for an empty PIN: nothing is trusted', () => {
    assert.deepEqual(cardPinForms(''), []);
  });
});
