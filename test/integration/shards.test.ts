/**
 * Sharding on the container target: `cardspec run -- --shard 1/2` and `2/2`, at the same
 * time, each with its own container and report folder, run every scenario exactly once,
 * and `cardspec merge-reports` makes one JUnit report that lists them all.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, describe, it } from 'node:test';
import { packageRoot } from '../../core/paths.js';

const run = promisify(execFile);
const root = packageRoot();
const cli = join(root, 'bin', 'cardspec.js');
// Card and token features: card moves, PIN tries and PKCS#11 logins, some 40 scenarios.
const FEATURES = ['features/cards', 'features/pkcs11/login.feature'];
const env = { ...process.env, CARD_PIN: '1234', TOKEN_PIN: '1234' };

/** "classname / name" of every testcase of a JUnit report. */
function testcases(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(/<testcase classname="([^"]*)" name="([^"]*)"/g)].map((m) => `${m[1]} / ${m[2]}`);
}

describe('two shards on the container target', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cardspec-shards-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('run every scenario once between them, and the merged JUnit lists them all', { timeout: 10 * 60_000 }, async () => {
    // The scenarios there are, from a dry run (no container, nothing executed).
    const dry = join(dir, 'dry.ndjson');
    await run(process.execPath, [cli, 'run', '--target', 'container', ...FEATURES, '--', '--dry-run', '--format', `message:${dry}`], { cwd: root, env });
    const expected = readFileSync(dry, 'utf8').split('\n').filter((line) => line.startsWith('{"testCase":')).length;
    assert.ok(expected > 30, `${expected} scenarios in the dry run`);

    const shards = await Promise.all(
      [1, 2].map((i) =>
        run(process.execPath, [cli, 'run', '--target', 'container', ...FEATURES, '--', '--shard', `${i}/2`, '-p', 'ci'], {
          cwd: root,
          env: { ...env, CARDSPEC_REPORTS_DIR: join(dir, `shard-${i}`) },
          timeout: 8 * 60_000,
        }),
      ),
    );
    for (const shard of shards) assert.match(shard.stdout, /\d+ passed, 0 failed\s*$/);

    const first = testcases(join(dir, 'shard-1', 'junit.xml'));
    const second = testcases(join(dir, 'shard-2', 'junit.xml'));
    assert.ok(first.length > 0 && second.length > 0, 'each shard ran some scenarios');
    assert.deepEqual(first.filter((name) => second.includes(name)), [], 'no scenario ran in both shards');

    const { stdout } = await run(process.execPath, [cli, 'merge-reports', '--out', join(dir, 'merged'), join(dir, 'shard-1'), join(dir, 'shard-2', 'messages.ndjson')], { cwd: root });
    assert.match(stdout, new RegExp(`^${expected} scenarios from 2 reports`));
    const merged = testcases(join(dir, 'merged', 'junit.xml'));
    assert.equal(merged.length, expected);
    assert.deepEqual([...merged].sort(), [...first, ...second].sort());
    assert.match(readFileSync(join(dir, 'merged', 'junit.xml'), 'utf8'), new RegExp(`<testsuite name="cardspec"[^>]* tests="${expected}" skipped="0" failures="0" errors="0"`));
    assert.match(readFileSync(join(dir, 'merged', 'report.html'), 'utf8'), /^<!DOCTYPE html>/i);
  });
});
