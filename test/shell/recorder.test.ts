import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseHex } from '../../core/apdu/hex.js';
import { commandText, renderFeature, sessionPin, type RecordedEvent } from '../../src/shell/recorder.js';

const apdu = (typed: string, sw?: number, data = '', command = typed): RecordedEvent => ({
  kind: 'apdu',
  typed,
  command: parseHex(command),
  ...(sw === undefined ? {} : { response: { data: parseHex(data), sw } }),
});

const header = { feature: 'f', scenario: 's', notes: ['a note'] };
/** The PIN 1234 as text, as hex, and as spaced hex. */
const PIN_FORMS = [/\b1234\b/, /31323334/, /31 32 33 34/];

describe('renderFeature', () => {
  it('turns exchanges into steps with the observed answers as expectations', () => {
    const feature = renderFeature(header, [
      { kind: 'comment', text: 'the greeting' },
      apdu('00 A4 00 0C 02 00 01', 0x9000),
      apdu('00B0000000', 0x9000, '48 65 6C 6C 6F 0A'),
      { kind: 'reset' },
      { kind: 'atr', atr: parseHex('3B 88 01 43 41 52 44 53 50 45 43 98') },
      { kind: 'auto', on: false },
      apdu('00 B2 04 14 00', 0x6a83),
    ]);
    assert.equal(
      feature,
      [
        '# a note',
        'Feature: f',
        '',
        '  Scenario: s',
        '    Given a card is inserted',
        '    # the greeting',
        '    When I send the APDU "00 A4 00 0C 02 00 01"',
        '    Then the status word is "9000"',
        '    And the response data is empty',
        '    When I send the APDU "00 B0 00 00 00"',
        '    Then the status word is "9000"',
        '    # "Hello\\n"',
        '    Then the response data is "48 65 6C 6C 6F 0A"',
        '    When the card is reset',
        '    Then the ATR is "3B 88 01 43 41 52 44 53 50 45 43 98"',
        '    Given automatic GET RESPONSE is off',
        '    When I send the APDU "00 B2 04 14 00"',
        '    Then the status word is "6A83"',
        '    And the response data is empty',
        '',
      ].join('\n'),
    );
  });

  it('names the profile, expects only the length of a challenge, and keeps errors for "it fails with"', () => {
    const feature = renderFeature({ ...header, profile: 'iso7816-t0' }, [
      apdu('00 84 00 00 08', 0x9000, '01 02 03 04 05 06 07 08'),
      { kind: 'apdu', typed: '00 B0 00 00 00', command: parseHex('00 B0 00 00 00'), error: 'SCARD_W_REMOVED_CARD' },
    ]);
    assert.match(feature, /Given the card "iso7816-t0" is inserted/);
    assert.match(feature, /And the response data has 8 bytes/);
    assert.doesNotMatch(feature, /01 02 03 04/);
    assert.match(feature, /When I send the APDU "00 B0 00 00 00"\n {4}Then it fails with SCARD_W_REMOVED_CARD/);
  });

  it('writes the PIN the card accepted as ${env:CARD_PIN}, and a wrong PIN as sent', () => {
    const feature = renderFeature(header, [
      apdu('00 20 00 01 04 ${ascii:0000}', 0x63c2, '', '00 20 00 01 04 30303030'),
      apdu('00 20 00 01 04 ${ascii:1234}', 0x9000, '', '00 20 00 01 04 31323334'),
      apdu('00 24 00 01 08 31 32 33 34 35 36 37 38', 0x9000),
    ]);
    assert.match(feature, /When I send the APDU "00 20 00 01 04 30 30 30 30"\n {4}Then the status word is "63C2"/);
    assert.match(feature, /When I send the APDU "00 20 00 01 04 \$\{ascii:\$\{env:CARD_PIN\}\}"\n {4}Then the status word is "9000"/);
    // CHANGE REFERENCE DATA: the current PIN, then the new value as sent.
    assert.match(feature, /"00 24 00 01 08 \$\{ascii:\$\{env:CARD_PIN\}\} 35 36 37 38"/);
    assert.match(feature, /# The PIN is not written here: set CARD_PIN \(as text\)/);
    for (const form of PIN_FORMS) assert.doesNotMatch(feature, form);
  });

  it('keeps padding after the PIN, and writes a PIN that is not text as hex', () => {
    const padded = renderFeature(header, [apdu('00 20 00 81 08 31 32 33 34 FF FF FF FF', 0x9000)]);
    assert.match(padded, /"00 20 00 81 08 \$\{ascii:\$\{env:CARD_PIN\}\} FF FF FF FF"/);
    const bcd = renderFeature(header, [apdu('00 20 00 01 04 12 34 FF FF', 0x9000)]);
    assert.match(bcd, /"00 20 00 01 04 \$\{env:CARD_PIN\} FF FF"/);
    assert.match(bcd, /set CARD_PIN \(as hex\)/);
  });

  it('takes the PIN from CARD_PIN when no VERIFY succeeded, and from the first VERIFY in a skeleton', () => {
    const fromEnv = renderFeature({ ...header, pinFromEnv: '1234' }, [apdu('00 20 00 01 04 31 32 33 34', 0x6983)]);
    assert.match(fromEnv, /\$\{ascii:\$\{env:CARD_PIN\}\}/);
    const skeleton = renderFeature(header, [apdu('00 20 00 01 04 31 32 33 34'), apdu('00 B0 00 00 00')]);
    assert.match(skeleton, /"00 20 00 01 04 \$\{ascii:\$\{env:CARD_PIN\}\}"\n {4}# Then the status word is "\.\.\.\."/);
    for (const form of PIN_FORMS) assert.doesNotMatch(skeleton, form);
  });

  it('keeps a command as typed when it names environment variables, never their values', () => {
    const event = apdu('00 20 00 01 04 ${ascii:${env:MY_PIN}}', 0x9000, '', '00 20 00 01 04 39 38 37 36');
    assert.deepEqual(commandText(event as { typed: string; command: Buffer }, undefined), { text: '00 20 00 01 04 ${ascii:${env:MY_PIN}}', usesPin: false });
    assert.doesNotMatch(renderFeature(header, [event]), /39 ?38 ?37 ?36|9876/);
  });

  it('finds no PIN where no PIN command was sent', () => {
    assert.equal(sessionPin([apdu('00 B0 00 00 00', 0x9000)], undefined), undefined);
  });
});
