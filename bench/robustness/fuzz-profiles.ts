import { join } from 'node:path';
import { listProfiles } from '../../core/profile/index.js';
import { packageRoot } from '../../core/paths.js';

/**
 * Custom cards among the test fixtures (the others are profiles with mistakes on purpose,
 * or need an applet type that only a test registers).
 */
const FIXTURE_CARDS = ['secret-pin.yaml', 'no-tries-query.yaml', 'piv-63c0.yaml'];

/** Every profile a card can be made from here: the shipped ones and the custom test cards. */
export function fuzzProfiles(): string[] {
  const fixtures = join(packageRoot(), 'test', 'fixtures');
  return [...listProfiles(), ...FIXTURE_CARDS.map((f) => join(fixtures, f))];
}
