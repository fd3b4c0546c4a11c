import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadProfile } from '../../core/profile/index.js';
import { fuzzCard } from '../../bench/robustness/fuzz-card.js';
import { fuzzProfiles } from '../../bench/robustness/fuzz-profiles.js';
import { PROPERTIES } from '../../bench/robustness/properties.js';
import fc from 'fast-check';

/** The short fuzz of `npm test`; `npm run fuzz` sends a million APDUs per profile. */
const APDUS_PER_PROFILE = 20_000;
const SEED = 20261129;

describe('short fuzz', () => {
  for (const name of fuzzProfiles()) {
    it(`the card OS of ${name.replace(/.*\//, '')} answers ${APDUS_PER_PROFILE} random and mutated APDUs with a status word, never an exception`, () => {
      const result = fuzzCard(loadProfile(name), APDUS_PER_PROFILE, SEED);
      assert.deepEqual(result.findings, []);
      assert.equal(result.exceptions + result.malformed, 0);
      // The fuzz reaches the card's success paths too, not only its refusals.
      assert.ok((result.sw1Counts['90'] ?? 0) > 100, JSON.stringify(result.sw1Counts));
    });
  }
});

describe('parser properties', () => {
  for (const { name, property } of PROPERTIES) {
    it(name, () => {
      fc.assert(property as fc.IProperty<unknown[]>, { numRuns: 300, seed: SEED });
    });
  }
});
