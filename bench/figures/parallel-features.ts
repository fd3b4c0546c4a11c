/**
 * Figure `parallel-features` (issue #6): the wall time of `cardspec run features/` on the
 * embedded simulator with `-- --parallel 2` against one worker, in interleaved rounds;
 * ratio = 2 workers / 1 worker. One worker uses vpcd slot 0, the second slot 1 (the
 * bench's own reader), so this figure runs when the bench has no card in slot 1, and
 * checks before every run that both slots are free. Every run must pass (exit 0), or the
 * figure fails. A run that fails is tried once more when both slots are free again, since
 * test runs on the same machine take slots 0 and 1 for short whiles.
 *
 * Also, once, the same features on the container target (one worker), for the table.
 *
 * Figure `suite-time` (issue #16), from the same runs: the one-worker wall time, and where
 * it goes: the costliest steps and hooks by definition, from cucumber's messages of the
 * last one-worker run (bench/lib/step-timings.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vpcdReaderName } from '../../core/vpcd.js';
import { onCleanup } from '../../src/cleanup.js';
import { PcscContext } from '../../src/pcsc/client.js';
import { ensureHostImage } from '../../src/targets/container.js';
import { checkDocker } from '../../src/targets/container-image.js';
import { assertSlotFree, CARD_EVENT_TIMEOUT_MS } from '../lib/bench-slot.js';
import { interleave } from '../lib/interleave.js';
import { packageRoot } from '../lib/paths.js';
import { runProcess } from '../lib/processes.js';
import { ratioOf, type Figure, type Reference } from '../lib/result.js';
import { median, round } from '../lib/stats.js';
import { stepBreakdown } from '../lib/step-timings.js';

export const SUITE_ONE_WORKER_GOAL_S = 8;
export const PARALLEL_GOAL_RATIO = 0.55;
/** Steps shown in the suite-time breakdown. */
const BREAKDOWN_ROWS = 10;

const FEATURES = 'features/';
/** The slots of worker 0 and worker 1. */
const WORKER_SLOTS = [0, 1] as const;
const RUN_TIMEOUT_MS = 300_000;
/** After a failed run: how long to wait for other runs to free slots 0 and 1 before the one retry. */
const SLOTS_FREE_TIMEOUT_MS = 180_000;
const SLOTS_FREE_POLL_MS = 2_000;

interface FeaturesRun {
  wallMs: number;
  /** cucumber's "N scenarios (...)" line. */
  summary: string;
}

/** The features take the card's and the token's PINs from CARD_PIN and TOKEN_PIN; the worker id comes from cucumber only. */
function featuresEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, CARD_PIN: '1234', TOKEN_PIN: '1234' };
  delete env.CUCUMBER_WORKER_ID;
  return env;
}

async function runFeatures(args: string[]): Promise<FeaturesRun> {
  const { wallMs, stdout } = await runProcess(process.execPath, ['bin/cardspec.js', 'run', ...args], {
    cwd: packageRoot(),
    env: featuresEnv(),
    timeoutMs: RUN_TIMEOUT_MS,
  });
  return { wallMs, summary: stdout.match(/^\d+ scenarios? \(.*\)$/m)?.[0] ?? 'no summary line' };
}

/** Waits (up to SLOTS_FREE_TIMEOUT_MS) until neither worker slot holds a card; returns the time waited. */
async function slotsFree(pcsc: PcscContext): Promise<number> {
  const started = performance.now();
  for (;;) {
    try {
      for (const slot of WORKER_SLOTS) assertSlotFree(pcsc, slot);
      return performance.now() - started;
    } catch (error) {
      if (performance.now() - started > SLOTS_FREE_TIMEOUT_MS) throw error;
      await new Promise((resolve) => setTimeout(resolve, SLOTS_FREE_POLL_MS));
    }
  }
}

export interface ParallelFeaturesOptions {
  rounds: number;
}

export async function parallelFeatures(options: ParallelFeaturesOptions): Promise<Figure[]> {
  const { rounds } = options;
  const folder = mkdtempSync(join(tmpdir(), 'cardspec-bench-suite-'));
  const unregister = onCleanup(() => rmSync(folder, { recursive: true, force: true }));
  try {
    return await measure(rounds, join(folder, 'messages.ndjson'));
  } finally {
    rmSync(folder, { recursive: true, force: true });
    unregister();
  }
}

/**
 * Runs `fn` with a PC/SC context of its own: the features restart pcscd (docs/faults.md),
 * after which a context opened before speaks to nobody.
 */
async function withFreshContext<T>(fn: (pcsc: PcscContext) => T | Promise<T>): Promise<T> {
  const pcsc = PcscContext.open();
  try {
    return await fn(pcsc);
  } finally {
    pcsc.close();
  }
}

async function measure(rounds: number, messages: string): Promise<Figure[]> {
  const notes: string[] = [];
  const summaries = new Set<string>();

  /** One run on the embedded simulator, with both slots free before and after; retried once. */
  const embeddedRun = async (label: string, args: string[], roundIndex: number): Promise<number> => {
    const attempt = async (): Promise<number> => {
      await withFreshContext((pcsc) => WORKER_SLOTS.forEach((slot) => assertSlotFree(pcsc, slot)));
      const result = await runFeatures(args);
      summaries.add(`${label}: ${result.summary}`);
      await withFreshContext(async (pcsc) => {
        for (const slot of WORKER_SLOTS) await pcsc.waitForEmpty(vpcdReaderName(slot), CARD_EVENT_TIMEOUT_MS);
      });
      return result.wallMs;
    };
    try {
      return await attempt();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const waitedMs = await withFreshContext(slotsFree);
      notes.push(`round ${roundIndex + 1}, ${label}: tried again after ${(waitedMs / 1000).toFixed(0)} s: ${message.split('\n')[0]!.slice(0, 300)}`);
      return attempt();
    }
  };

  const results = await interleave<number>(rounds, [
    { name: 'one', run: (r) => embeddedRun('1 worker', [FEATURES, '--', '--format', `message:${messages}`], r) },
    { name: 'two', run: (r) => embeddedRun('2 workers', [FEATURES, '--', '--parallel', '2'], r) },
  ]);

  // The container target, once, one worker: its image is made sure of first, untimed.
  const references: Reference[] = [];
  let containerMs: number | null = null;
  const docker = await checkDocker().then(
    () => undefined,
    (error: unknown) => (error instanceof Error ? error.message : String(error)),
  );
  if (docker === undefined) {
    // The image `cardspec run --target container` picks for this host, made sure of first, untimed.
    await ensureHostImage();
    const result = await runFeatures(['--target', 'container', FEATURES]);
    containerMs = result.wallMs;
    summaries.add(`container, 1 worker: ${result.summary}`);
  } else {
    notes.push(`container target not measured: ${docker}`);
  }
  references.push({ name: 'container target, 1 worker (one run; image warm)', value: containerMs === null ? null : round(containerMs / 1000, 3), unit: 's' });

  const value = median(results.get('two')!);
  const baseline = median(results.get('one')!);
  const ratio = ratioOf(value, baseline);
  const breakdown = stepBreakdown(messages);
  const oneWorkerS = baseline / 1000;
  const suiteTime: Figure = {
    name: 'suite-time',
    value: round(oneWorkerS, 3),
    unit: 's',
    baseline: null,
    baselineName: 'none',
    ratio: null,
    goal: `value <= ${SUITE_ONE_WORKER_GOAL_S} s`,
    met: oneWorkerS <= SUITE_ONE_WORKER_GOAL_S,
    rounds,
    samples: { value: results.get('one')!.map((v) => round(v / 1000, 3)), baseline: [] },
    references: [
      ...breakdown.steps.slice(0, BREAKDOWN_ROWS).map((step) => ({
        name: `${step.name} (${step.count}×, median ${round(step.medianMs, 2)} ms)`,
        value: round(step.totalMs / 1000, 3),
        unit: 's',
      })),
      { name: 'cucumber between steps', value: round(breakdown.betweenStepsMs / 1000, 3), unit: 's' },
      { name: `all ${breakdown.testCases} scenarios (start to end)`, value: round(breakdown.testCasesMs / 1000, 3), unit: 's' },
    ],
    extra: { scenarios: breakdown.testCases },
    notes: [
      `wall time, spawn to exit, of \`node bin/cardspec.js run ${FEATURES}\` (1 worker, embedded simulator), every scenario passing; rows: the costliest steps and hooks of the last run, from cucumber's messages (total s)`,
    ],
  };
  const parallel: Figure = {
    name: 'parallel-features',
    value: round(value / 1000, 3),
    unit: 's',
    baseline: round(baseline / 1000, 3),
    baselineName: '1 worker',
    ratio: ratio === null ? null : round(ratio, 3),
    goal: `ratio <= ${PARALLEL_GOAL_RATIO}`,
    met: ratio === null ? null : ratio <= PARALLEL_GOAL_RATIO,
    rounds,
    samples: { value: results.get('two')!.map((v) => round(v / 1000, 3)), baseline: results.get('one')!.map((v) => round(v / 1000, 3)) },
    references,
    extra: { containerOneWorkerS: containerMs === null ? null : round(containerMs / 1000, 3) },
    notes: [
      `wall time, spawn to exit, of \`CARD_PIN=1234 TOKEN_PIN=1234 node bin/cardspec.js run ${FEATURES} -- --parallel 2\` against the same without --parallel, embedded simulator (vpcd slots 0 and 1); every run passed (exit 0)`,
      ...[...summaries].sort(),
      ...notes,
    ],
  };
  return [suiteTime, parallel];
}
