/**
 * Bare cucumber-js, the baseline of scenario-overhead and of the soak's memory figure: the
 * project's own @cucumber/cucumber, with step definitions of cardspec's expressions for the
 * trivial scenario's three steps (steps/card.steps.ts, steps/apdu.steps.ts) and empty bodies.
 */
import { join } from 'node:path';
import { packageRoot } from './paths.js';

/** cucumber-js's command line, of the project's @cucumber/cucumber. */
export const cucumberJsBin = (): string => join(packageRoot(), 'node_modules', '@cucumber', 'cucumber', 'bin', 'cucumber.js');

/** A step file of the three definitions, importing Given/When/Then from `cucumberModule`. */
export function bareSteps(cucumberModule: string): string {
  return [
    `import { Given, When, Then } from '${cucumberModule}';`,
    "Given('a card is inserted', function () {});",
    "When('I send the APDU {string}', function (command) {});",
    "Then('the status word is {string}', function (expected) {});",
    '',
  ].join('\n');
}
