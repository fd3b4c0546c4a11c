import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { OWNER_FILE } from '../../core/owned-dirs.js';
import { packageRoot } from '../../core/paths.js';
import { CONTAINER_LABELS } from '../../src/targets/container.js';
import { CLI } from '../support/cli.js';

const ROOT = packageRoot();
/** The promise of issue 13: no container of a killed run after this long. */
const GONE_WITHIN_MS = 15_000;

/** The containers of one run (running or not), by id: others may run the container target on this machine too. */
const containersOf = (runId: string): string[] =>
  execFileSync('docker', ['ps', '--all', '--no-trunc', '--filter', `label=${CONTAINER_LABELS.project}=cardspec`, '--filter', `label=${CONTAINER_LABELS.run}=${runId}`, '--format', '{{.ID}}'], {
    encoding: 'utf8',
  })
    .split('\n')
    .filter(Boolean);

/** Our container folders in the temporary directory whose owner record names `pid`. */
function containerDirsOf(pid: number): string[] {
  return readdirSync(tmpdir())
    .filter((name) => name.startsWith('cardspec-container-'))
    .map((name) => join(tmpdir(), name))
    .filter((dir) => {
      try {
        return (JSON.parse(readFileSync(join(dir, OWNER_FILE), 'utf8')) as { pid: number }).pid === pid;
      } catch {
        return false;
      }
    });
}

/**
 * Polls (a test observing Docker from outside has no event to wait for) until `check`
 * holds or `timeoutMs` passed; returns the time it took, or undefined.
 */
async function within(timeoutMs: number, check: () => boolean): Promise<number | undefined> {
  const start = Date.now();
  for (;;) {
    if (check()) return Date.now() - start;
    if (Date.now() - start > timeoutMs) return undefined;
    await delay(250);
  }
}

function cardspecRun(runId: string, args: string[]) {
  // detached: the run leads its own process group, as in a shell, so the whole group can be killed.
  return spawn(process.execPath, [CLI, 'run', ...args], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, CARD_PIN: '1234', TOKEN_PIN: '1234', CARDSPEC_RUN_ID: runId },
  });
}

describe('kill -9 of a container-target run', () => {
  it('leaves no container after 15 s, and the next run removes its folder', { timeout: 20 * 60_000 }, async () => {
    const runId = `kill-test-${randomUUID()}`;
    const run = cardspecRun(runId, ['--target', 'container', 'features/']);
    let output = '';
    run.stdout!.on('data', (c: Buffer) => (output += c.toString()));
    run.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    const exited = new Promise((resolve) => run.once('exit', resolve));
    // A scenario has passed: the container is up and the run is in the middle of the features.
    const started = await within(15 * 60_000, () => /passed/.test(output) || run.exitCode !== null);
    assert.ok(started !== undefined && run.exitCode === null, `the run did not get going: ${output}`);
    const ours = containersOf(runId);
    assert.equal(ours.length, 1, `one new container of ours runs: ${ours.join(', ')}`);
    // The run's folders: its own pid, or a worker's (the whole group dies).
    const groupPids = execFileSync('ps', ['-o', 'pid=', '-g', String(run.pid)], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
    const dirs = groupPids.flatMap(containerDirsOf);
    assert.equal(dirs.length, 1, 'the run made one container folder');

    process.kill(-run.pid!, 'SIGKILL');
    await exited;
    const gone = await within(GONE_WITHIN_MS, () => containersOf(runId).length === 0);
    assert.ok(gone !== undefined, `docker ps -a still shows ${ours.join(', ')} ${GONE_WITHIN_MS} ms after kill -9`);
    console.log(`container gone ${gone} ms after kill -9`);
    assert.ok(existsSync(dirs[0]!), 'SIGKILL ran no cleanup: the folder is still there');

    // The next run sweeps the dead run's folder (and leaves no container of its own).
    const nextRunId = `kill-test-next-${randomUUID()}`;
    const next = cardspecRun(nextRunId, ['--target', 'container', 'features/cards/atr.feature']);
    let nextOutput = '';
    next.stdout!.on('data', (c: Buffer) => (nextOutput += c.toString()));
    next.stderr!.on('data', (c: Buffer) => (nextOutput += c.toString()));
    const code = await new Promise((resolve) => next.once('exit', resolve));
    assert.equal(code, 0, nextOutput);
    assert.equal(existsSync(dirs[0]!), false, 'the next run removed the killed run\'s folder');
    assert.deepEqual(containersOf(nextRunId), [], 'an orderly run leaves no container either');
  });
});
