import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { HarnessCodes, HarnessError } from '../../core/errors.js';
import { expand, unescapeText, type ExpandContext } from '../../src/text/expand.js';

function context(saved: Record<string, string> = {}, env: Record<string, string | undefined> = {}): ExpandContext {
  return { saved: new Map(Object.entries(saved)), env };
}

function assertUndefined(fn: () => unknown, ...fragments: string[]): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof HarnessError, 'a HarnessError');
    assert.equal(e.code, HarnessCodes.UNDEFINED_VARIABLE);
    assert.equal(e.code, 'CARDSPEC_UNDEFINED_VARIABLE');
    for (const fragment of fragments) assert.ok(e.message.includes(fragment), `"${e.message}" should include "${fragment}"`);
    return true;
  });
}

describe('expand', () => {
  it('leaves text without forms alone', () => {
    const r = expand('00 A4 04 00', context());
    assert.equal(r.text, '00 A4 04 00');
    assert.deepEqual(r.secrets, []);
  });

  it('keeps a lone $ and a lone } as text', () => {
    assert.equal(expand('cost $5 }', context()).text, 'cost $5 }');
  });

  it('replaces ${name} with a saved value', () => {
    const r = expand('00 82 00 00 ${challenge}', context({ challenge: '01 02 03' }));
    assert.equal(r.text, '00 82 00 00 01 02 03');
    assert.deepEqual(r.secrets, []);
  });

  it('accepts saved names of letters, digits, _ and -', () => {
    assert.equal(expand('${my_value-2}', context({ 'my_value-2': 'AB' })).text, 'AB');
  });

  it('rejects a saved name with other characters', () => {
    assertUndefined(() => expand('${a b}', context({ 'a b': 'x' })), 'not a saved name');
  });

  it('lists the saved names when a name was not saved', () => {
    assertUndefined(() => expand('${nope}', context({ alpha: '01', beta: '02' })), '${nope}', 'alpha, beta');
    assertUndefined(() => expand('${nope}', context()), 'saved: nothing');
  });

  it('replaces ${env:NAME} and reports the value as a secret', () => {
    const r = expand('PIN ${env:CARD_PIN}', context({}, { CARD_PIN: '1234' }));
    assert.equal(r.text, 'PIN 1234');
    assert.deepEqual(r.secrets, ['1234']);
  });

  it('names a missing environment variable', () => {
    assertUndefined(() => expand('x ${env:NO_SUCH_VAR} y', context({}, { OTHER: '1' })), 'NO_SUCH_VAR');
  });

  it('does not keep an empty env value as a secret', () => {
    const r = expand('[${env:EMPTY}]', context({}, { EMPTY: '' }));
    assert.equal(r.text, '[]');
    assert.deepEqual(r.secrets, []);
  });

  it('replaces ${ascii:TEXT} with upper-case hex', () => {
    assert.equal(expand('${ascii:1234}', context()).text, '31323334');
    assert.equal(expand('${ascii:Hello}', context()).text, '48656C6C6F');
    assert.equal(expand('${ascii:}', context()).text, '');
    assert.deepEqual(expand('${ascii:1234}', context()).secrets, []);
  });

  it('nests: ${ascii:${env:CARD_PIN}} gives the hex, and both value and hex are secrets', () => {
    const r = expand('00 20 00 01 04 ${ascii:${env:CARD_PIN}}', context({}, { CARD_PIN: '1234' }));
    assert.equal(r.text, '00 20 00 01 04 31323334');
    assert.ok(r.secrets.includes('1234'), `secrets ${JSON.stringify(r.secrets)} should include the env value`);
    assert.ok(r.secrets.includes('31323334'), `secrets ${JSON.stringify(r.secrets)} should include its hex`);
    assert.equal(r.secrets.length, 2);
  });

  it('nests deeper and keeps every derived value secret', () => {
    const r = expand('${ascii:${ascii:${env:P}}}', context({}, { P: '1' }));
    assert.equal(r.text, '3331');
    assert.deepEqual([...r.secrets].sort(), ['1', '31', '3331']);
  });

  it('nests a saved name inside ascii without making it secret', () => {
    const r = expand('${ascii:${label}}', context({ label: 'AB' }));
    assert.equal(r.text, '4142');
    assert.deepEqual(r.secrets, []);
  });

  it('expands several forms in one text', () => {
    const r = expand('${a}-${ascii:Z}-${env:E}', context({ a: '01' }, { E: 'e' }));
    assert.equal(r.text, '01-5A-e');
    assert.deepEqual(r.secrets, ['e']);
  });

  it('reports an unclosed ${ with its column', () => {
    assertUndefined(() => expand('00 ${env:PIN', context({}, { PIN: '1' })), 'never closed', 'column 4');
    assertUndefined(() => expand('${ascii:${x}', context({ x: '1' })), 'never closed', 'column 1');
  });
});

describe('unescapeText', () => {
  it('turns \\n and \\t into newline and tab', () => {
    assert.equal(unescapeText('Hello World!\\n'), 'Hello World!\n');
    assert.equal(unescapeText('a\\tb'), 'a\tb');
  });

  it('turns \\\\ into one backslash and leaves other text alone', () => {
    assert.equal(unescapeText('a\\\\nb'), 'a\\nb');
    assert.equal(unescapeText('plain \\x'), 'plain \\x');
    assert.equal(unescapeText(''), '');
  });
});
