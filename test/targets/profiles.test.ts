import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { packageRoot } from '../../core/paths.js';

/** The cucumber profiles of cucumber.js, by name. */
const profiles = (await import(pathToFileURL(join(packageRoot(), 'cucumber.js')).href)) as Record<string, { tags?: string; worldParameters?: { target?: string } }>;

describe('the cucumber profiles of the targets', () => {
  it('give the container target the same scenarios as the simulator: no tag keeps mechanisms away from it', () => {
    assert.equal(profiles.container?.tags, profiles.simulator?.tags);
    assert.equal(profiles.container?.worldParameters?.target, 'container');
    assert.doesNotMatch(profiles.container?.tags ?? '', /softhsm-direct/);
  });

  it('write the reports of -p ci into CARDSPEC_REPORTS_DIR when set (one folder per shard)', async () => {
    const previous = process.env.CARDSPEC_REPORTS_DIR;
    process.env.CARDSPEC_REPORTS_DIR = 'reports/shard-2';
    try {
      const fresh = (await import(`${pathToFileURL(join(packageRoot(), 'cucumber.js')).href}?shard`)) as { ci: { format: string[] } };
      assert.ok(fresh.ci.format.some((f) => f.endsWith(':reports/shard-2/junit.xml')), fresh.ci.format.join(', '));
      assert.ok(fresh.ci.format.includes('message:reports/shard-2/messages.ndjson'));
    } finally {
      if (previous === undefined) delete process.env.CARDSPEC_REPORTS_DIR;
      else process.env.CARDSPEC_REPORTS_DIR = previous;
    }
  });
});
