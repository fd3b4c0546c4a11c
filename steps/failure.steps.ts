import { Then } from '@cucumber/cucumber';
import type { CardspecWorld } from './support/world.js';

/** Checks the error the previous step kept (see CardspecWorld.attempt and the BeforeStep hook). */
Then('it fails with {word}', function (this: CardspecWorld, code: string) {
  const kept = this.kept;
  this.kept = undefined;
  if (!kept) throw new Error(`expected the previous step to fail with ${code}, but it succeeded`);
  if (kept.error.code !== code) {
    throw new Error(`expected ${code}, but "${kept.step}" failed with ${kept.error.code}: ${kept.error.message}`);
  }
});
