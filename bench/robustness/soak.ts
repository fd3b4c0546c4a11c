/**
 * `npm run soak` (needs the pcscd readers: run it inside the project's pcscd lock):
 *
 * What is measured is what stays: `npm run soak` runs node with --expose-gc (a full
 * collection before each sample, so garbage not yet collected is not counted) and
 * --max-semi-space-size=2 (V8 otherwise grows its young generation with the allocation
 * rate, up to 3 x 16 MB: a bounded step in the first ~15,000 APDUs, not a leak). The first
 * 2,000 APDUs warm up (JIT, the binding's first allocations) and are not counted.
 *
 *   1. CARDSPEC_SOAK_APDUS (default 100,000) APDUs through pcscd and vpcd to the
 *      simulator's card in one process, a fresh APDU trace per 1,000 (as per scenario);
 *      resident memory sampled every 1,000: the mean of the last tenth must be within
 *      10 % of the first tenth's.
 *   2. One `cardspec run` of 300 and one of 3,000 card scenarios, and bare cucumber-js
 *      (steps that do nothing) with the same scenarios: the peak resident memory of each
 *      run's processes, and its growth per scenario from 300 to 3,000. Ours must grow no
 *      more per scenario than bare cucumber-js does.
 *
 * Seeded where it is random (CARDSPEC_SEED), bounded in count; exits 1 when a limit fails.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VirtualCard } from '../../simulator/card/index.js';
import { loadProfile } from '../../core/profile/index.js';
import { vpcdReaderName } from '../../core/vpcd.js';
import { isStatusWordSw1 } from '../../core/apdu/status.js';
import { VpcdSlot } from '../../simulator/vpcd/index.js';
import { PcscContext } from '../../src/pcsc/client.js';
import { packageRoot } from '../../core/paths.js';
import { CARD_EVENT_TIMEOUT_MS } from '../../src/targets/card-flow.js';
import { checkReaderFree } from '../../src/targets/simulator.js';
import { ApduTrace } from '../../src/trace/trace.js';
import { MB, treeRssBytes } from './memory.js';
import { bareSteps, cucumberJsBin } from '../lib/bare-cucumber.js';
import { countFromEnv, Random, seedFromEnv } from './random.js';

const ROOT = packageRoot();
const SAMPLE_EVERY = 1_000;
const WARM_UP_APDUS = 2_000;
/** A full collection where node runs with --expose-gc. */
const collect = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
/** What features send: SELECT by file id and by AID, READ BINARY and RECORD, a tries query, GET CHALLENGE. */
const COMMANDS = ['00A4000C020001', '00B0000000', '00A4040009F0434152445350454300', '00A4000C023F00', '00B2010400', '0020000100', '0084000008', '00B0810005'].map((hex) =>
  Buffer.from(hex, 'hex'),
);

const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length;

async function soakPcscd(apdus: number, seed: number): Promise<boolean> {
  const slot = new VpcdSlot({ slot: 0 });
  const reader = vpcdReaderName(0);
  const pcsc = PcscContext.open();
  try {
    checkReaderFree(pcsc.listReaders().find((r) => r.name === reader) ?? { name: reader, present: false, atr: undefined, state: 0 });
    await slot.insert(new VirtualCard(loadProfile('iso7816-demo')));
    await pcsc.waitForCard(reader, CARD_EVENT_TIMEOUT_MS);
    const connection = await pcsc.connect(reader);
    const random = new Random(seed);
    const samples: number[] = [];
    const heapUsed: number[] = [];
    for (let i = 0; i < WARM_UP_APDUS; i++) await connection.transmit(random.pick(COMMANDS));
    const started = performance.now();
    for (let i = 0; i < apdus; i++) {
      if (i % SAMPLE_EVERY === 0) {
        collect();
        const memory = process.memoryUsage();
        samples.push(memory.rss);
        heapUsed.push(memory.heapUsed);
        connection.trace = new ApduTrace();
      }
      const response = await connection.transmit(random.pick(COMMANDS));
      const sw1 = response.sw >> 8;
      if (!isStatusWordSw1(sw1)) throw new Error(`APDU ${i}: no status word (${response.sw.toString(16)})`);
    }
    const seconds = (performance.now() - started) / 1000;
    connection.disconnect();
    const tenth = Math.max(1, Math.floor(samples.length / 10));
    const first = mean(samples.slice(0, tenth));
    const last = mean(samples.slice(-tenth));
    const growth = (last - first) / first;
    const ok = growth < 0.1;
    console.log(
      `pcscd soak: ${apdus.toLocaleString('en')} APDUs (after ${WARM_UP_APDUS.toLocaleString('en')} to warm up) in ${seconds.toFixed(1)} s (${Math.round((seconds * 1e6) / apdus)} µs each); ` +
        `RSS first tenth ${(first / MB).toFixed(1)} MB, last tenth ${(last / MB).toFixed(1)} MB: ${(growth * 100).toFixed(1)} % (limit 10 %) ${ok ? 'ok' : 'FAILED'}; ` +
        `JS heap used ${(mean(heapUsed.slice(0, tenth)) / MB).toFixed(1)} -> ${(mean(heapUsed.slice(-tenth)) / MB).toFixed(1)} MB; V8 flags: ${process.execArgv.join(' ') || 'none'}`,
    );
    return ok;
  } finally {
    await slot.close();
    await pcsc.waitForEmpty(reader, CARD_EVENT_TIMEOUT_MS).catch(() => undefined);
    pcsc.close();
  }
}

/** Runs a command and samples the resident memory of its process tree; returns the peak and the exit code. */
function peakRss(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ peakBytes: number; code: number | null; seconds: number; tail: string }> {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = '';
    const keep = (chunk: Buffer): void => {
      tail = (tail + chunk.toString()).slice(-2000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    let peakBytes = 0;
    const timer = setInterval(() => {
      peakBytes = Math.max(peakBytes, treeRssBytes(child.pid!));
    }, 100);
    child.once('exit', (code) => {
      clearInterval(timer);
      resolve({ peakBytes, code, seconds: (performance.now() - started) / 1000, tail });
    });
  });
}

const SCENARIO = ['  Scenario: read EF 0001 no. N', '    Given a card is inserted', '    When I send the APDU "00 A4 00 0C 02 00 01"', '    Then the status word is "9000"'];

function writeFeature(dir: string, scenarios: number): string {
  const file = join(dir, `soak-${scenarios}.feature`);
  const lines = ['Feature: soak'];
  for (let n = 1; n <= scenarios; n++) lines.push(...SCENARIO.map((line) => line.replace('N', String(n))));
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

async function soakScenarios(): Promise<boolean> {
  const dir = mkdtempSync(join(tmpdir(), 'soak-scenarios-'));
  try {
    // Bare cucumber-js: the same step texts, doing nothing, no formatter of ours.
    const bareStepsFile = join(dir, 'bare-steps.mjs');
    const cucumberBin = cucumberJsBin();
    writeFileSync(bareStepsFile, bareSteps(join(ROOT, 'node_modules/@cucumber/cucumber/lib/index.js')));
    // For the reading of the figures: bare cucumber-js with hooks shaped as ours (two Before,
    // one After attaching a trace-sized text), which cucumber keeps messages of per scenario.
    const hookedSteps = join(dir, 'hooked-steps.mjs');
    writeFileSync(
      hookedSteps,
      `import { Before, After } from '${join(ROOT, 'node_modules/@cucumber/cucumber/lib/index.js')}';\n` +
        "Before(function () {});\nBefore(async function () {});\nAfter(function () { this.attach('07:00:00.000  00 A4 00 0C 02 00 01  ->  90 00  200 µs (OK)', { mediaType: 'text/plain', fileName: 'APDU trace' }); });\n",
    );
    const runners = {
      cardspec: (feature: string) => peakRss(process.execPath, [join(ROOT, 'bin/cardspec.js'), 'run', feature], dir, process.env),
      'bare cucumber-js': (feature: string) => peakRss(process.execPath, [cucumberBin, '--import', bareStepsFile, feature], dir, process.env),
      'bare + our hooks': (feature: string) => peakRss(process.execPath, [cucumberBin, '--import', bareStepsFile, '--import', hookedSteps, feature], dir, process.env),
    };
    const results: Record<string, Record<number, number>> = Object.fromEntries(Object.keys(runners).map((name) => [name, {}]));
    let ok = true;
    for (const scenarios of [300, 3_000]) {
      const feature = writeFeature(dir, scenarios);
      for (const [name, runner] of Object.entries(runners)) {
        const run = await runner(feature);
        if (run.code !== 0) {
          console.log(`${name} with ${scenarios} scenarios exited ${run.code}:\n${run.tail}`);
          ok = false;
        }
        results[name]![scenarios] = run.peakBytes;
        console.log(`${name.padEnd(16)} ${String(scenarios).padStart(5)} scenarios: peak RSS ${(run.peakBytes / MB).toFixed(0)} MB, ${run.seconds.toFixed(1)} s`);
      }
    }
    const perScenario = (name: string): number => (results[name]![3_000]! - results[name]![300]!) / 2_700;
    const ours = perScenario('cardspec');
    const bare = perScenario('bare cucumber-js');
    const within = ours <= bare;
    console.log(
      `memory growth per scenario, 300 -> 3,000: cardspec ${(ours / 1024).toFixed(1)} KB, bare cucumber-js ${(bare / 1024).toFixed(1)} KB ${within ? 'ok' : 'FAILED'}` +
        `; bare cucumber-js with hooks like ours ${(perScenario('bare + our hooks') / 1024).toFixed(1)} KB`,
    );
    return ok && within;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<number> {
  // CARDSPEC_SOAK_APDUS=off or CARDSPEC_SOAK_SCENARIOS=off runs one half alone.
  const apdus = countFromEnv('CARDSPEC_SOAK_APDUS', 100_000);
  const pcscdOk = process.env.CARDSPEC_SOAK_APDUS === 'off' ? true : await soakPcscd(apdus, seedFromEnv());
  const scenariosOk = process.env.CARDSPEC_SOAK_SCENARIOS === 'off' ? true : await soakScenarios();
  console.log(pcscdOk && scenariosOk ? 'soak: within limits' : 'soak: FAILED');
  return pcscdOk && scenariosOk ? 0 : 1;
}

process.exitCode = await main();
