import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfiguration, loadSupport } from '@cucumber/cucumber/api';
import { packageRoot } from '../../src/paths.js';

/**
 * The step reference is the README's step tables: every registered step is in them, with
 * its keyword and expression as written in code, and every step they list is registered.
 * A row's first cell holds the step in backticks; `Given x is off` / `on` stands for both.
 */
const ROOT = packageRoot();

function documentedSteps(markdown: string): string[] {
  const reference = markdown.slice(markdown.indexOf('## Step reference'), markdown.indexOf('\n## ', markdown.indexOf('## Step reference') + 1));
  const steps: string[] = [];
  for (const line of reference.split('\n')) {
    const cell = /^\| *(`(?:Given|When|Then) [^|]*?) *\|/.exec(line)?.[1];
    if (!cell) continue;
    const parts = [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
    const first = parts[0]!;
    steps.push(first);
    // A short alternative replaces the last word: `Given automatic GET RESPONSE is off` / `on`.
    for (const alternative of parts.slice(1)) steps.push(first.replace(/\S+$/, alternative));
  }
  return steps;
}

async function registeredSteps(): Promise<string[]> {
  // cucumber reads the configuration file relative to cwd, even an absolute path.
  const { runConfiguration } = await loadConfiguration({ file: 'cucumber.js', profiles: ['simulator'] }, { cwd: ROOT });
  const support = (await loadSupport(runConfiguration, { cwd: ROOT })) as unknown as { stepDefinitions: { keyword: string; pattern: string | RegExp }[] };
  return support.stepDefinitions.map((d) => `${d.keyword} ${String(d.pattern)}`);
}

describe('the step reference', () => {
  it('lists every registered step, and only those', async () => {
    const documented = new Set(documentedSteps(readFileSync(join(ROOT, 'README.md'), 'utf8')));
    const registered = new Set(await registeredSteps());
    assert.ok(registered.size > 50, `only ${registered.size} steps registered`);
    assert.deepEqual([...registered].filter((s) => !documented.has(s)).sort(), [], 'registered steps the reference does not list');
    assert.deepEqual([...documented].filter((s) => !registered.has(s)).sort(), [], 'steps the reference lists that are not registered');
  });
});
