import { Then } from '@cucumber/cucumber';
import { HarnessCodes, HarnessError } from '../core/errors.js';
import { checkExpectedCode } from '../src/expected-codes.js';
import type { CardspecWorld } from './support/world.js';

/**
 * Checks the error the previous step kept. A step keeps its error only when this step
 * follows it and names that very code (CardspecWorld.attempt); any other failure failed
 * the step itself, so here there is either the expected error or none.
 */
Then('it fails with {word}', function (this: CardspecWorld, code: string) {
  const mistake = checkExpectedCode(code);
  if (mistake) throw new HarnessError(HarnessCodes.BAD_EXPECTATION, mistake);
  const kept = this.kept;
  this.kept = undefined;
  const previous = this.stepTexts[this.stepIndex - 1];
  if (!kept) {
    throw new HarnessError(HarnessCodes.BAD_EXPECTATION, previous === undefined
      ? `"Then it fails with ${code}" must follow the step that is expected to fail`
      : `expected "${previous}" to fail with ${code}, but it succeeded`);
  }
});
