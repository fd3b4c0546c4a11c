import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { listProfiles } from '../../core/profile/index.js';
import { packageRoot } from '../../core/paths.js';

/** Every profile a card can be made from here: the shipped ones and the test fixtures (custom cards). */
export function fuzzProfiles(): string[] {
  const fixtures = join(packageRoot(), 'test', 'fixtures');
  return [...listProfiles(), ...readdirSync(fixtures).filter((f) => f.endsWith('.yaml')).map((f) => join(fixtures, f))];
}
