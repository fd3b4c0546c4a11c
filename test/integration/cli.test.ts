import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cardspec as runCli } from '../support/cli.js';

/** The cardspec command as a person meets it: its output, its exit code, its errors. */
async function cardspec(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; out: string }> {
  const { code, output } = await runCli(args, { env, cwd: process.cwd() });
  return { code, out: output };
}

describe('cardspec', () => {
  let dir: string;
  const feature = (name: string, steps: string[]): string => {
    const file = join(dir, `${name}.feature`);
    writeFileSync(file, ['Feature: ' + name, '  Scenario: ' + name, ...steps.map((s) => `    ${s}`), ''].join('\n'));
    return file;
  };

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'cardspec-cli-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('readers lists the vpcd readers with what their ATRs say', async () => {
    const { code, out } = await cardspec(['readers']);
    assert.equal(code, 0, out);
    assert.match(out, /^0: Virtual PCD 00 00$/m);
  });

  it('says plainly that pcscd is not running', async () => {
    const { code, out } = await cardspec(['readers'], { PCSCLITE_CSOCK_NAME: join(dir, 'no-pcscd.comm') });
    assert.equal(code, 1);
    assert.match(out, /SCARD_E_NO_SERVICE \(0x8010001D\): pcscd is not running/);
  });

  it('names an unknown command, target and option', async () => {
    assert.equal((await cardspec(['frobnicate'])).code, 2);
    const target = await cardspec(['run', '--target', 'mainframe']);
    assert.equal(target.code, 1);
    assert.match(target.out, /unknown target "mainframe": use simulator, container or hardware/);
    const option = await cardspec(['run', '--parallel', '2']);
    assert.match(option.out, /unknown option --parallel .*cucumber's own options go after --/);
  });

  it('names a path that holds no features instead of running nothing', async () => {
    const missing = await cardspec(['run', join(dir, 'nope.feature')]);
    assert.equal(missing.code, 1);
    assert.match(missing.out, /no feature file or folder ".*nope\.feature"/);
    const folder = join(dir, 'empty');
    mkdirSync(folder);
    const empty = await cardspec(['run', folder]);
    assert.equal(empty.code, 1);
    assert.match(empty.out, /the folder ".*empty" holds no \.feature files/);
  });

  it('runs a feature from outside the project and ends with the summary line', async () => {
    const file = feature('outside', ['Given a card is inserted', 'When I send the APDU "00 A4 00 0C 02 3F 00"', 'Then the status word is "9000"']);
    const { code, out } = await cardspec(['run', file]);
    assert.equal(code, 0, out);
    assert.match(out, /^1 passed, 0 failed$/m);
  });

  it('fails a step with malformed hex at once, quoting the text after expansion and the column', async () => {
    const file = feature('bad-hex', ['Given a card is inserted', 'When I send the APDU "00 A4 ${ascii:A} 0G 00"', 'Then the status word is "9000"']);
    const { code, out } = await cardspec(['run', file]);
    assert.equal(code, 1);
    assert.match(out, /✖ When I send the APDU .*bad-hex\.feature:4\n\s+CARDSPEC_BAD_HEX: bad hex "00 A4 41 0G 00": 'G' at column 11/);
    assert.match(out, /^0 passed, 1 failed$/m);
    // Malformed hex is the spec's mistake: no scenario may expect it.
    const expecting = feature('bad-hex-expected', ['Given a card is inserted', 'When I send the APDU "00 A4 0G"', 'Then it fails with CARDSPEC_BAD_HEX']);
    const refused = await cardspec(['run', expecting]);
    assert.equal(refused.code, 2);
    assert.match(refused.out, /bad-hex-expected\.feature:5: CARDSPEC_BAD_EXPECTATION: CARDSPEC_BAD_HEX is a mistake in the spec/);
  });

  it('masks values from the environment in error messages, even where they quote expanded text', async () => {
    const file = feature('secret-in-error', ['Given a card is inserted', 'When I send the APDU "00 20 00 01 04 ${ascii:${env:CARDSPEC_TEST_PIN}} 0G"']);
    const { code, out } = await cardspec(['run', file], { CARDSPEC_TEST_PIN: '9753' });
    assert.equal(code, 1);
    assert.match(out, /bad hex "00 20 00 01 04 \*\*\* 0G"/);
    assert.doesNotMatch(out, /39373533|9753/);
  });

  it('never shows a secret, nor its bytes one by one, when a comparison with it fails', async () => {
    const data = feature('secret-data', ['Given a card is inserted', 'When I send the APDU "00 B0 81 00 03"', 'Then the response data is "${env:CARDSPEC_TEST_HEX}"']);
    const onCard = await cardspec(['run', data], { CARDSPEC_TEST_HEX: '3F0102' });
    assert.equal(onCard.code, 1);
    assert.match(onCard.out, /the response data is 48 65 6C, which is not the expected value \(a secret, not shown\)/);
    assert.doesNotMatch(onCard.out, /3F ?01 ?02|expected 3F/);
    const text = feature('secret-text', [
      'Given the PKCS#11 token "secret-test"',
      'And an RSA-2048 key pair labelled "k"',
      'When I encrypt "${env:CARDSPEC_TEST_TEXT}" with "k" using CKM_RSA_PKCS_OAEP',
      'And I decrypt the ciphertext with "k" using CKM_RSA_PKCS_OAEP',
      'Then the plaintext is "something else"',
    ]);
    const onToken = await cardspec(['run', text], { CARDSPEC_TEST_TEXT: 'hunter2' });
    assert.equal(onToken.code, 1);
    assert.doesNotMatch(onToken.out, /hunter2|68 ?75 ?6E ?74 ?65 ?72 ?32/i);
  });

  it('names an unknown profile and lists the known ones, before the run', async () => {
    const file = feature('no-profile', ['Given the card "iso7816-nope" is inserted', 'Then the ATR matches "3B *"']);
    const { code, out } = await cardspec(['run', file]);
    assert.equal(code, 2);
    assert.match(out, /iso7816-nope/);
    assert.match(out, /iso7816-demo/);
  });

  it('names a missing environment variable', async () => {
    const file = feature('no-env', ['Given a card is inserted', 'When I send the APDU "00 20 00 01 04 ${ascii:${env:CARDSPEC_TEST_UNSET}}"']);
    const { code, out } = await cardspec(['run', file]);
    assert.equal(code, 1);
    assert.match(out, /environment variable CARDSPEC_TEST_UNSET is not set/);
  });

  it('fails a step whose card failure no step expects on that step, with its code', async () => {
    const file = feature('unchecked', ['Given a card is inserted', 'When the card is removed', 'When I send the APDU "00 B0 81 00 00"']);
    const { code, out } = await cardspec(['run', file]);
    assert.equal(code, 1);
    assert.match(out, /✖ When I send the APDU "00 B0 81 00 00" .*unchecked\.feature:5\n\s+SCardTransmit failed: SCARD_W_REMOVED_CARD/);
  });
});
