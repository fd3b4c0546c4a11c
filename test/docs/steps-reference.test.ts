import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfiguration, loadSupport } from '@cucumber/cucumber/api';
import { packageRoot } from '../../core/paths.js';

/**
 * docs/steps.md is the one step reference users read: every step the harness registers
 * is in it, and every step in it is registered, word for word.
 */
const ROOT = packageRoot();

/** The steps of the reference: the first backticked cell of each table row, keyword dropped. */
function documentedSteps(): string[] {
  const text = readFileSync(join(ROOT, 'docs/steps.md'), 'utf8');
  return [...text.matchAll(/^\| `(?:Given|When|Then) ([^`]+)` \|/gm)].map((m) => m[1]!);
}

async function registeredSteps(): Promise<string[]> {
  const steps = join(ROOT, 'dist/steps');
  const { runConfiguration } = await loadConfiguration({ provided: { paths: [], import: [`${steps}/*.js`, `${steps}/support/*.js`] } });
  // The API types the library as opaque; it is cucumber's support code library, whose
  // step definitions carry the pattern as written.
  const support = (await loadSupport(runConfiguration)) as unknown as { stepDefinitions: { pattern: string | RegExp }[] };
  return support.stepDefinitions.map((s) => (typeof s.pattern === 'string' ? s.pattern : `/${s.pattern.source}/`));
}

describe('the step reference (docs/steps.md)', () => {
  it('lists every registered step, and only those', async () => {
    const documented = documentedSteps();
    const registered = await registeredSteps();
    assert.ok(documented.length > 50, `the reference's tables were read (${documented.length} steps)`);
    const missing = registered.filter((s) => !documented.includes(s));
    const unknown = documented.filter((s) => !registered.includes(s));
    assert.deepEqual(missing, [], 'registered steps missing from docs/steps.md');
    assert.deepEqual(unknown, [], 'steps in docs/steps.md that no step definition matches');
  });

  it('lists each step once', () => {
    const documented = documentedSteps();
    assert.deepEqual(documented.filter((s, i) => documented.indexOf(s) !== i), []);
  });
});
