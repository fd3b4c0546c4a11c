import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeStatusWord } from '../../core/apdu/status.js';
import { CATALOGS, catalogFor, languageOf } from '../../src/i18n/catalog.js';

/** Every key path of an object (nested objects walked), sorted; Maps give their keys. */
function keyPaths(value: unknown, prefix = ''): string[] {
  if (value instanceof Map) return [...value.keys()].map((k) => `${prefix}[${String(k)}]`).sort();
  if (value === null || typeof value !== 'object') return [prefix];
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => keyPaths(v, prefix ? `${prefix}.${k}` : k)).sort();
}

describe('message catalogs', () => {
  it('English and French have the same message keys', () => {
    assert.deepEqual(keyPaths(CATALOGS.fr.messages), keyPaths(CATALOGS.en.messages));
    for (const [key, value] of Object.entries(CATALOGS.fr.messages)) assert.equal(typeof value, typeof (CATALOGS.en.messages as unknown as Record<string, unknown>)[key], key);
  });

  it('the French status words cover the same codes as the English source table', () => {
    assert.deepEqual(keyPaths(CATALOGS.fr.statusWords.exact), keyPaths(CATALOGS.en.statusWords.exact));
    assert.deepEqual(keyPaths(CATALOGS.fr.statusWords.sw1), keyPaths(CATALOGS.en.statusWords.sw1));
    assert.deepEqual(Object.keys(CATALOGS.fr.statusWords).sort(), Object.keys(CATALOGS.en.statusWords).sort());
    for (const [sw, meaning] of CATALOGS.fr.statusWords.exact) assert.notEqual(meaning, CATALOGS.en.statusWords.exact.get(sw), `${sw.toString(16)} is translated`);
  });

  it('reads status words in French', () => {
    const fr = CATALOGS.fr.statusWords;
    assert.equal(describeStatusWord(0x9000, fr), 'succès');
    assert.equal(describeStatusWord(0x6a82, fr), 'fichier ou application introuvable');
    assert.equal(describeStatusWord(0x63c2, fr), 'vérification échouée, 2 essais restants');
    assert.equal(describeStatusWord(0x63c1, fr), 'vérification échouée, 1 essai restant');
    assert.equal(describeStatusWord(0x6110, fr), '16 octets de plus disponibles (GET RESPONSE)');
    assert.equal(describeStatusWord(0x6a99, fr), 'paramètres P1-P2 incorrects (SW2 99 non défini par l\u2019ISO 7816-4)');
    assert.equal(describeStatusWord(0x6a82), 'file or application not found');
  });

  it('chooses the language as POSIX does for messages: LC_ALL, then LC_MESSAGES, then LANG', () => {
    assert.equal(languageOf({ LANG: 'fr_FR.UTF-8' }), 'fr');
    assert.equal(languageOf({ LANG: 'fr' }), 'fr');
    assert.equal(languageOf({ LANG: 'fr_CA.UTF-8', LC_MESSAGES: 'en_US.UTF-8' }), 'en');
    assert.equal(languageOf({ LANG: 'en_US.UTF-8', LC_MESSAGES: 'fr_BE.UTF-8' }), 'fr');
    assert.equal(languageOf({ LC_ALL: 'C', LC_MESSAGES: 'fr_FR.UTF-8', LANG: 'fr_FR.UTF-8' }), 'en');
    assert.equal(languageOf({ LC_ALL: '', LANG: 'fr_FR.UTF-8' }), 'fr');
    assert.equal(languageOf({ LANG: 'frisian' }), 'en');
    assert.equal(languageOf({}), 'en');
    assert.equal(catalogFor({ LANG: 'fr_FR.UTF-8' }).messages.prompt, 'cardspec> ');
  });
});
