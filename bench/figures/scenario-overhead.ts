/**
 * Figure `scenario-overhead` (issues #7, #16): what one trivial scenario costs through
 * cucumber on the simulator ("Given a card is inserted", one APDU, one status check)
 * beyond its card work, against what a scenario costs in bare cucumber-js; and the fixed
 * cost of a run, from spawning `cardspec run` to its first scenario. Taken from cucumber's
 * message output (its timestamps), for a generated feature of N scenarios.
 * - card work: the same scenarios without cucumber, in a plain loop: what SimulatorTarget's
 *   insertCard does for each scenario (a fresh card from the profile on the card thread,
 *   the connection reset), then the APDU through the harness's client;
 * - bare cucumber-js: the same N scenarios, same step texts, in a cucumber-js project whose
 *   three step definitions have the same cucumber expressions as ours ({string} parameters
 *   included) and empty bodies; same cucumber, same formatters on stdout (progress) and file
 *   (message), same run. What cucumber itself spends on these steps (matching their
 *   parameters, its test-step events) is in the baseline; what cardspec adds (its hooks,
 *   World, trace attachments, progress formatter, steps' code) is in the value.
 * The value is our time per scenario minus the card work; goal: <= 1.5x bare cucumber-js.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onCleanup } from '../../src/cleanup.js';
import type { PcscContext } from '../../src/pcsc/client.js';
import { ApduTrace } from '../../src/trace/trace.js';
import { BENCH_READER, BENCH_SLOT, CARD_EVENT_TIMEOUT_MS, putInReader } from '../lib/bench-slot.js';
import { benchProfilePath, READ_BINARY_16, simulatorCard } from '../lib/bench-reader.js';
import { bareSteps, cucumberJsBin } from '../lib/bare-cucumber.js';
import { interleave } from '../lib/interleave.js';
import { timestampMs, type Timestamp } from '../lib/step-timings.js';
import { benchBuildDir, packageRoot } from '../lib/paths.js';
import { runProcess } from '../lib/processes.js';
import { ratioOf, type Figure } from '../lib/result.js';
import { median, nowUs, pairedRatio, round } from '../lib/stats.js';

/** READ BINARY of 16 bytes through SFI 01: one APDU, no SELECT needed. */
const TRIVIAL_APDU = READ_BINARY_16.match(/../g)!.join(' ');

export const SCENARIO_OVERHEAD_GOAL_RATIO = 1.5;

/** The trivial scenario's steps, the same text in both projects. */
const TRIVIAL_STEPS = ['Given a card is inserted', `When I send the APDU "${TRIVIAL_APDU}"`, 'Then the status word is "9000"'];

function featureText(scenarios: number): string {
  const lines = ['Feature: bench: trivial scenarios', ''];
  for (let i = 1; i <= scenarios; i++) lines.push(`  Scenario: trivial ${i}`, ...TRIVIAL_STEPS.map((step) => `    ${step}`), '');
  return lines.join('\n');
}


/**
 * The baseline this figure had before: three parameterless no-op steps. Kept as a
 * reference row: cucumber matches no parameters there, so it costs less than the same
 * feature text does, and the ratio against it reads higher.
 */
const NOOP_STEPS = "import { Given } from '@cucumber/cucumber';\nGiven('a no-op step', function () {});\n";

function noopFeatureText(scenarios: number): string {
  const lines = ['Feature: bench: no-op scenarios', ''];
  for (let i = 1; i <= scenarios; i++) lines.push(`  Scenario: no-op ${i}`, '    Given a no-op step', '    When a no-op step', '    Then a no-op step', '');
  return lines.join('\n');
}


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

/** `cardspec run` of the trivial feature, or bare cucumber-js of the same feature with empty step bodies. */
async function cucumberRun(folder: string, scenarios: number, bare: boolean): Promise<RunTimes> {
  const messages = join(folder, 'messages.ndjson');
  rmSync(messages, { force: true });
  const spawnedAt = Date.now();
  const { wallMs } = bare
    ? await runProcess(
        process.execPath,
        [cucumberJsBin(), 'features', '--import', 'steps/*.mjs', '--format', `message:${messages}`],
        { cwd: folder, timeoutMs: 120_000 },
      )
    : await runProcess(
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
    if (envelope.testCaseStarted) started.push(timestampMs(envelope.testCaseStarted.timestamp));
    if (envelope.testCaseFinished) finished.push(timestampMs(envelope.testCaseFinished.timestamp));
    if (envelope.testStepFinished && envelope.testStepFinished.testStepResult.status !== 'PASSED') failedSteps++;
  }
  if (finished.length !== scenarios || failedSteps > 0) {
    throw new Error(`${bare ? 'cucumber-js' : 'cardspec run'}: ${finished.length} of ${scenarios} scenarios finished, ${failedSteps} steps did not pass`);
  }
  return {
    fixedMs: started[0]! - spawnedAt,
    firstScenarioMs: finished[0]! - started[0]!,
    perScenarioMs: (finished.at(-1)! - finished[0]!) / (scenarios - 1),
    wallMs,
  };
}

/** The same N scenarios' card work without cucumber, on the harness's objects in this process. */
async function plainLoop(pcsc: PcscContext, scenarios: number): Promise<number> {
  const card = simulatorCard();
  const takeOut = await putInReader(pcsc, card);
  try {
    const connection = await pcsc.connect(BENCH_READER, new ApduTrace(), { watchdog: card.watchdog });
    const command = Buffer.from(TRIVIAL_APDU.replace(/ /g, ''), 'hex');
    try {
      const started = nowUs();
      for (let i = 0; i < scenarios; i++) {
        // A fresh card on the card thread, as SimulatorTarget.insertCard (its profile parsed once there).
        await card.insert();
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
    await takeOut();
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
  mkdirSync(benchBuildDir(), { recursive: true });
  const bareFolder = mkdtempSync(join(benchBuildDir(), 'bare-cucumber-'));
  const noopFolder = mkdtempSync(join(benchBuildDir(), 'bare-cucumber-noop-'));
  const removeFolders = (): void => {
    rmSync(folder, { recursive: true, force: true });
    rmSync(bareFolder, { recursive: true, force: true });
    rmSync(noopFolder, { recursive: true, force: true });
  };
  const unregister = onCleanup(removeFolders);
  try {
    mkdirFeatures(folder, scenarios);
    bareProject(bareFolder, featureText(scenarios), bareSteps('@cucumber/cucumber'));
    bareProject(noopFolder, noopFeatureText(scenarios), NOOP_STEPS);
    const runs: RunTimes[] = [];
    const bareRuns: RunTimes[] = [];
    const results = await interleave<number>(rounds, [
      {
        name: 'bare',
        run: async () => {
          const times = await cucumberRun(bareFolder, scenarios, true);
          bareRuns.push(times);
          return times.perScenarioMs;
        },
      },
      {
        name: 'cucumber',
        run: async () => {
          const times = await cucumberRun(folder, scenarios, false);
          // Its card leaves at exit; pcscd must see the slot empty before the next insertion.
          await pcsc.waitForEmpty(BENCH_READER, CARD_EVENT_TIMEOUT_MS);
          runs.push(times);
          return times.perScenarioMs;
        },
      },
      { name: 'plain', run: () => plainLoop(pcsc, scenarios) },
      { name: 'noop', run: async () => (await cucumberRun(noopFolder, scenarios, true)).perScenarioMs },
    ]);
    // Our cost beyond the card work, round by round (each round ran all three).
    const ours = results.get('cucumber')!;
    const plain = results.get('plain')!;
    const bare = results.get('bare')!;
    const noop = results.get('noop')!;
    const overheads = ours.map((v, i) => v - plain[i]!);
    const value = median(overheads);
    const baseline = median(bare);
    // Paired by round, as the overheads are: the machine's load drifts between rounds.
    const ratio = ratioOf(value, baseline) === null ? null : pairedRatio(overheads, bare);
    const fixed = median(runs.map((r) => r.fixedMs));
    return [
      {
        name: 'scenario-overhead',
        value: round(value, 3),
        unit: 'ms/scenario',
        baseline: round(baseline, 3),
        baselineName: 'bare cucumber-js, same steps, empty bodies',
        ratio: ratio === null ? null : round(ratio, 3),
        goal: `ratio <= ${SCENARIO_OVERHEAD_GOAL_RATIO}`,
        met: ratio === null ? null : ratio <= SCENARIO_OVERHEAD_GOAL_RATIO,
        rounds,
        samples: { value: overheads.map((v) => round(v, 3)), baseline: bare.map((v) => round(v, 3)) },
        references: [
          { name: 'whole trivial scenario (card work included)', value: round(median(ours), 3), unit: 'ms/scenario' },
          { name: 'its card work in a plain loop (fresh card, reset, APDU)', value: round(median(plain), 3), unit: 'ms/scenario' },
          { name: 'bare cucumber-js, three parameterless no-op steps (the former baseline)', value: round(median(noop), 3), unit: 'ms/scenario' },
          { name: 'ratio against the former baseline', value: round(pairedRatio(overheads, noop), 3), unit: 'x' },
          { name: 'bare cucumber-js: spawn to first scenario', value: round(median(bareRuns.map((r) => r.fixedMs)), 3), unit: 'ms' },
        ],
        extra: { scenarios, firstScenarioMs: round(median(runs.map((r) => r.firstScenarioMs)), 3), runWallMs: round(median(runs.map((r) => r.wallMs)), 3) },
        notes: [
          `${scenarios} scenarios of "Given a card is inserted" + one APDU + one status check, cardspec run on "${BENCH_READER}", minus the same card work in a plain loop; ratio: median of the rounds' ratios; baseline: the same ${scenarios} scenarios in bare cucumber-js (the project's version), step definitions with the same expressions and empty bodies; per scenario = (end of last - end of first) / (N - 1), from cucumber's message timestamps`,
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
    removeFolders();
    unregister();
  }
}

/** A cucumber-js project with nothing of ours, inside the package so that it finds the same @cucumber/cucumber. */
function bareProject(folder: string, feature: string, steps: string): void {
  mkdirSync(join(folder, 'features'));
  mkdirSync(join(folder, 'steps'));
  writeFileSync(join(folder, 'features', 'bench.feature'), feature);
  writeFileSync(join(folder, 'steps', 'bench.mjs'), steps);
}

function mkdirFeatures(folder: string, scenarios: number): void {
  const features = join(folder, 'features');
  rmSync(features, { recursive: true, force: true });
  mkdirSync(features);
  writeFileSync(join(features, 'trivial.feature'), featureText(scenarios));
}
