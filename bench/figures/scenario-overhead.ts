/**
 * Figure `scenario-overhead` (issue #7): the time one trivial scenario costs through
 * cucumber on the simulator ("Given a card is inserted", one APDU, one status check), and
 * the fixed cost of a run, from spawning `cardspec run` to its first scenario. Taken from
 * cucumber's message output (its timestamps), for a generated feature of N scenarios.
 * Baseline: the same work without cucumber, in a plain loop: what SimulatorTarget's
 * insertCard does for each scenario (a new VirtualCard from the profile, which it parses
 * once per run, swap it in, reset the connection), then the APDU through the harness's
 * client.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VirtualCard } from '../../simulator/card/virtual-card.js';
import { loadProfile } from '../../core/profile/load.js';
import { VpcdSlot } from '../../simulator/vpcd/slot.js';
import { onCleanup } from '../../src/cleanup.js';
import type { PcscContext } from '../../src/pcsc/client.js';
import { ApduTrace } from '../../src/trace/trace.js';
import { BENCH_READER, BENCH_SLOT, CARD_EVENT_TIMEOUT_MS, removeOnExit } from '../lib/bench-slot.js';
import { benchProfilePath, READ_BINARY_16 } from '../lib/bench-reader.js';
import { interleave } from '../lib/interleave.js';
import { packageRoot } from '../lib/paths.js';
import { runProcess } from '../lib/processes.js';
import { ratioOf, type Figure } from '../lib/result.js';
import { median, nowUs, round } from '../lib/stats.js';

/** READ BINARY of 16 bytes through SFI 01: one APDU, no SELECT needed. */
const TRIVIAL_APDU = READ_BINARY_16.match(/../g)!.join(' ');

function featureText(scenarios: number): string {
  const lines = ['Feature: bench: trivial scenarios', ''];
  for (let i = 1; i <= scenarios; i++) {
    lines.push(`  Scenario: trivial ${i}`, '    Given a card is inserted', `    When I send the APDU "${TRIVIAL_APDU}"`, '    Then the status word is "9000"', '');
  }
  return lines.join('\n');
}

interface Timestamp {
  seconds: number;
  nanos: number;
}
const epochMs = (t: Timestamp): number => t.seconds * 1000 + t.nanos / 1e6;

interface RunTimes {
  /** Spawn of `cardspec run` to the first scenario's start. */
  fixedMs: number;
  /** The first scenario: starts the target (pcscd context, first insertion and pcscd's poll). */
  firstScenarioMs: number;
  /** (end of the last scenario - end of the first) / (N - 1). */
  perScenarioMs: number;
  /** The whole process, spawn to exit. */
  wallMs: number;
}

async function cucumberRun(folder: string, scenarios: number): Promise<RunTimes> {
  const messages = join(folder, 'messages.ndjson');
  rmSync(messages, { force: true });
  const spawnedAt = Date.now();
  const { wallMs } = await runProcess(
    process.execPath,
    ['bin/cardspec.js', 'run', '--card', benchProfilePath(), join(folder, 'features'), '--', '--format', `message:${messages}`],
    // cardspec run puts its card in the slot of the cucumber worker (CUCUMBER_WORKER_ID, 0 when
    // unset): 1 keeps it in the bench's reader, away from test runs on slot 0.
    { cwd: packageRoot(), env: { ...process.env, CUCUMBER_WORKER_ID: String(BENCH_SLOT) }, timeoutMs: 120_000 },
  );
  const started: number[] = [];
  const finished: number[] = [];
  let failedSteps = 0;
  for (const line of readFileSync(messages, 'utf8').split('\n')) {
    if (!line) continue;
    const envelope = JSON.parse(line) as {
      testCaseStarted?: { timestamp: Timestamp };
      testCaseFinished?: { timestamp: Timestamp };
      testStepFinished?: { testStepResult: { status: string } };
    };
    if (envelope.testCaseStarted) started.push(epochMs(envelope.testCaseStarted.timestamp));
    if (envelope.testCaseFinished) finished.push(epochMs(envelope.testCaseFinished.timestamp));
    if (envelope.testStepFinished && envelope.testStepFinished.testStepResult.status !== 'PASSED') failedSteps++;
  }
  if (finished.length !== scenarios || failedSteps > 0) {
    throw new Error(`cardspec run: ${finished.length} of ${scenarios} scenarios finished, ${failedSteps} steps did not pass`);
  }
  return {
    fixedMs: started[0]! - spawnedAt,
    firstScenarioMs: finished[0]! - started[0]!,
    perScenarioMs: (finished.at(-1)! - finished[0]!) / (scenarios - 1),
    wallMs,
  };
}

/** The same N scenarios' work without cucumber, on the harness's objects in this process. */
async function plainLoop(pcsc: PcscContext, scenarios: number): Promise<number> {
  const slot = new VpcdSlot({ slot: BENCH_SLOT });
  const unregister = removeOnExit({ insert: async () => undefined, remove: () => slot.remove() });
  // Parsed once, as SimulatorTarget does (a card copies what it takes from its profile).
  const profile = loadProfile(benchProfilePath());
  await slot.insert(new VirtualCard(profile));
  try {
    await pcsc.waitForCard(BENCH_READER, CARD_EVENT_TIMEOUT_MS);
    const connection = await pcsc.connect(BENCH_READER);
    const command = Buffer.from(TRIVIAL_APDU.replace(/ /g, ''), 'hex');
    try {
      const started = nowUs();
      for (let i = 0; i < scenarios; i++) {
        slot.replace(new VirtualCard(profile));
        connection.trace = new ApduTrace();
        await connection.reset();
        const response = await connection.transmit(command);
        if (response.sw !== 0x9000) throw new Error(`the trivial APDU answered ${response.sw.toString(16)}`);
      }
      return (nowUs() - started) / 1000 / scenarios;
    } finally {
      connection.disconnect();
    }
  } finally {
    await slot.close();
    unregister();
    await pcsc.waitForEmpty(BENCH_READER, CARD_EVENT_TIMEOUT_MS);
  }
}

export interface ScenarioOverheadOptions {
  pcsc: PcscContext;
  rounds: number;
  scenarios: number;
}

export async function scenarioOverhead(options: ScenarioOverheadOptions): Promise<Figure[]> {
  const { pcsc, rounds, scenarios } = options;
  const folder = mkdtempSync(join(tmpdir(), 'cardspec-bench-scenarios-'));
  const unregister = onCleanup(() => rmSync(folder, { recursive: true, force: true }));
  try {
    mkdirFeatures(folder, scenarios);
    const runs: RunTimes[] = [];
    const results = await interleave<number>(rounds, [
      {
        name: 'cucumber',
        run: async () => {
          const times = await cucumberRun(folder, scenarios);
          // Its card leaves at exit; pcscd must see the slot empty before the next insertion.
          await pcsc.waitForEmpty(BENCH_READER, CARD_EVENT_TIMEOUT_MS);
          runs.push(times);
          return times.perScenarioMs;
        },
      },
      { name: 'plain', run: () => plainLoop(pcsc, scenarios) },
    ]);
    const value = median(results.get('cucumber')!);
    const baseline = median(results.get('plain')!);
    const ratio = ratioOf(value, baseline);
    const fixed = median(runs.map((r) => r.fixedMs));
    return [
      {
        name: 'scenario-overhead',
        value: round(value, 3),
        unit: 'ms/scenario',
        baseline: round(baseline, 3),
        baselineName: 'same work, plain loop',
        ratio: ratio === null ? null : round(ratio, 3),
        rounds,
        samples: { value: results.get('cucumber')!.map((v) => round(v, 3)), baseline: results.get('plain')!.map((v) => round(v, 3)) },
        extra: { scenarios, firstScenarioMs: round(median(runs.map((r) => r.firstScenarioMs)), 3), runWallMs: round(median(runs.map((r) => r.wallMs)), 3) },
        notes: [
          `${scenarios} scenarios of "Given a card is inserted" + one APDU + one status check, cardspec run on "${BENCH_READER}"; per scenario = (end of last - end of first) / (N - 1), from cucumber's message timestamps`,
        ],
      },
      {
        name: 'scenario-fixed-cost',
        value: round(fixed, 3),
        unit: 'ms',
        baseline: null,
        baselineName: 'none',
        ratio: null,
        rounds,
        samples: { value: runs.map((r) => round(r.fixedMs, 3)), baseline: [] },
        references: [{ name: 'first scenario (target start, first card insertion)', value: round(median(runs.map((r) => r.firstScenarioMs)), 3), unit: 'ms' }],
        notes: ['spawn of `node bin/cardspec.js run` to the start of its first scenario (cucumber loads, steps import, features parse)'],
      },
    ];
  } finally {
    rmSync(folder, { recursive: true, force: true });
    unregister();
  }
}

function mkdirFeatures(folder: string, scenarios: number): void {
  const features = join(folder, 'features');
  rmSync(features, { recursive: true, force: true });
  mkdirSync(features);
  writeFileSync(join(features, 'trivial.feature'), featureText(scenarios));
}
