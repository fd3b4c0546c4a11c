/**
 * `npm run fuzz`: seeded, reproducible, bounded.
 *
 *   1. CARDSPEC_FUZZ_APDUS (default 1,000,000) random and mutated APDUs per card profile
 *      (the project's profiles and the test fixtures) into the card OS in this process:
 *      0 exceptions and 0 answers without a status word, or exit 1 with the seed and the
 *      index of each finding.
 *   2. The parser properties (properties.ts) with CARDSPEC_FUZZ_RUNS (default 10,000)
 *      generated inputs each.
 *
 * CARDSPEC_SEED picks the seed (default fixed): the same seed sends the same APDUs.
 */
import { loadProfile } from '../../core/profile/index.js';
import { fuzzCard } from './fuzz-card.js';
import { fuzzProfiles } from './fuzz-profiles.js';
import { checkProperties } from './properties.js';
import { countFromEnv, seedFromEnv } from './random.js';

function main(): number {
  const seed = seedFromEnv();
  const apdus = countFromEnv('CARDSPEC_FUZZ_APDUS', 1_000_000);
  const runs = countFromEnv('CARDSPEC_FUZZ_RUNS', 10_000);
  let failed = false;
  console.log(`seed ${seed}; ${apdus.toLocaleString('en')} APDUs per profile; ${runs.toLocaleString('en')} inputs per property`);
  for (const name of fuzzProfiles()) {
    const result = fuzzCard(loadProfile(name), apdus, seed);
    const rate = Math.round(apdus / (result.ms / 1000));
    console.log(
      `${result.profile.padEnd(16)} ${apdus.toLocaleString('en')} APDUs in ${(result.ms / 1000).toFixed(1)} s (${rate.toLocaleString('en')}/s): ` +
        `${result.exceptions} exceptions, ${result.malformed} answers without a status word; SW1 ${JSON.stringify(result.sw1Counts)}`,
    );
    for (const finding of result.findings) console.log(`  seed ${seed} index ${finding.index}: ${finding.command}: ${finding.problem}`);
    if (result.exceptions > 0 || result.malformed > 0) failed = true;
  }
  for (const property of checkProperties(runs, seed)) {
    console.log(`${property.failure ? 'FAILED' : 'holds '} ${property.name} (${property.ms.toFixed(0)} ms)`);
    if (property.failure) {
      console.log(property.failure);
      failed = true;
    }
  }
  console.log(failed ? 'fuzz: FAILED' : 'fuzz: no finding');
  return failed ? 1 : 0;
}

process.exitCode = main();
