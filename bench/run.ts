/**
 * `npm run bench`: every figure of issues #7 and #8 against its baseline, on the same
 * card, reader and token, in interleaved rounds; medians and ratios go to
 * bench/results/latest.json and to a table on stdout. `npm run bench -- NAME...` runs
 * only the figures named. Everything the bench starts (cards, child processes, tokens,
 * temp folders, the loopback route) is undone at the end, on failure and on Ctrl-C.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { onCleanup } from '../src/cleanup.js';
import { PcscContext } from '../src/pcsc/client.js';
import { ensurePcscd } from '../src/targets/pcscd.js';
import { vpcdPort } from '../core/vpcd.js';
import { apduLatency } from './figures/apdu-latency.js';
import { apduRoundtrip } from './figures/apdu-roundtrip.js';
import { cardThroughput } from './figures/card-throughput.js';
import { pkcs11Sign } from './figures/pkcs11-sign.js';
import { pkcs11Transport } from './figures/pkcs11-transport.js';
import { parallelFeatures } from './figures/parallel-features.js';
import { scenarioOverhead } from './figures/scenario-overhead.js';
import { simulatorStart } from './figures/simulator-start.js';
import { BenchReader } from './lib/bench-reader.js';
import { assertSlotFree, BENCH_SLOT } from './lib/bench-slot.js';
import { buildC } from './lib/native.js';
import { benchResultsDir } from './lib/paths.js';
import type { Figure } from './lib/result.js';
import { formatTable } from './lib/table.js';
import { ratioChart } from './lib/chart.js';

/** Rounds and loop sizes, chosen to keep the whole bench under ~4 minutes on 2 busy cores. */
const PLAN = {
  rounds: 5,
  apduBlocks: 40,
  apduBlockIterations: 250,
  scriptorRounds: 3,
  scriptorIterations: 2000,
  latencyRounds: 3,
  latencyIterations: 1000,
  stockIterations: 50,
  throughputIterations: 5000,
  scenarioRounds: 5,
  scenarios: 200,
  startRounds: 5,
  parallelRounds: 3,
  signDurationMs: 600,
} as const;

interface Context {
  pcsc: PcscContext;
  reader: BenchReader;
  pcscLoop: () => string;
  /** The same C loop as an addon, run in the bench's own process. */
  pcscLoopAddon: () => string;
  vpcdDriver: () => string;
  pkcs11Sign: () => string;
}

type FigureRun = (context: Context) => Promise<Figure[]>;

const once = <T>(make: () => T): (() => T) => {
  let value: { v: T } | undefined;
  return () => (value ??= { v: make() }).v;
};

/** The figures, in the order they run and appear. */
const FIGURES: { names: string[]; run: FigureRun }[] = [
  {
    names: ['apdu-roundtrip'],
    run: async (c) => [
      await apduRoundtrip({
        reader: c.reader,
        cLoopBinary: c.pcscLoop(),
        cLoopAddon: c.pcscLoopAddon(),
        rounds: PLAN.apduBlocks,
        iterations: PLAN.apduBlockIterations,
        scriptorRounds: PLAN.scriptorRounds,
        scriptorIterations: PLAN.scriptorIterations,
      }),
    ],
  },
  {
    names: ['apdu-latency'],
    run: async (c) => [
      await apduLatency({
        reader: c.reader,
        cLoopBinary: c.pcscLoop(),
        rounds: PLAN.latencyRounds,
        iterations: PLAN.latencyIterations,
        stockIterations: PLAN.stockIterations,
      }),
    ],
  },
  {
    names: ['card-throughput'],
    run: async (c) => [await cardThroughput({ driverBinary: c.vpcdDriver(), rounds: PLAN.rounds, iterations: PLAN.throughputIterations })],
  },
  {
    names: ['pkcs11-sign-rsa2048', 'pkcs11-sign-ecp256'],
    run: (c) => pkcs11Sign({ signBinary: c.pkcs11Sign(), rounds: PLAN.rounds, durationMs: PLAN.signDurationMs }),
  },
  {
    names: ['pkcs11-transport'],
    run: async () => [await pkcs11Transport({ rounds: PLAN.rounds, durationMs: PLAN.signDurationMs })],
  },
  {
    names: ['scenario-overhead', 'scenario-fixed-cost'],
    run: async (c) => {
      // cucumber's run puts its own card in the bench reader.
      await c.reader.empty();
      return scenarioOverhead({ pcsc: c.pcsc, rounds: PLAN.scenarioRounds, scenarios: PLAN.scenarios });
    },
  },
  {
    names: ['simulator-start'],
    run: async (c) => {
      await c.reader.empty();
      return [await simulatorStart({ pcsc: c.pcsc, rounds: PLAN.startRounds, target: 'embedded' })];
    },
  },
  {
    names: ['simulator-start-container'],
    run: async (c) => {
      await c.reader.empty();
      return [await simulatorStart({ pcsc: c.pcsc, rounds: PLAN.startRounds, target: 'container' })];
    },
  },
  {
    // Last: its second worker takes vpcd slot 1, the bench's reader, which must be empty.
    names: ['suite-time', 'parallel-features'],
    run: async (c) => {
      await c.reader.empty();
      return parallelFeatures({ rounds: PLAN.parallelRounds });
    },
  },
];

function failed(names: string[], error: unknown): Figure[] {
  const message = error instanceof Error ? error.message : String(error);
  return names.map((name) => ({ name, value: null, unit: '', baseline: null, baselineName: '', ratio: null, rounds: 0, notes: [`failed: ${message}`] }));
}

/** Written whole or not at all: a Ctrl-C never leaves half a file. */
function writeWhole(file: string, text: string): void {
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
}

/** latest.json, and the chart of its ratios (latest.svg, shown by docs/performance.md). */
function writeResults(figures: Figure[]): string {
  const dir = benchResultsDir();
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'latest.json');
  writeWhole(file, `${JSON.stringify(figures, null, 2)}\n`);
  const title = `cardspec bench, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, load average ${loadavg()[0]!.toFixed(1)}`;
  writeWhole(join(dir, 'latest.svg'), ratioChart(figures, title));
  return file;
}

async function main(argv: string[]): Promise<number> {
  const wanted = new Set(argv);
  const known = FIGURES.flatMap((f) => f.names);
  const unknown = [...wanted].filter((n) => !known.includes(n));
  if (unknown.length) {
    console.error(`bench: unknown figure ${unknown.join(', ')} (figures: ${known.join(', ')})`);
    return 2;
  }
  const started = performance.now();
  const pcscd = await ensurePcscd();
  // Installs the exit and signal handlers before anything starts. The PC/SC context is
  // not closed by them: a process that exits releases it, and a synchronous close could
  // wait on pcscd while pcscd waits on a card of this process (see removeOnExit).
  onCleanup(() => undefined);
  const pcsc = PcscContext.open();
  const reader = new BenchReader(pcsc, vpcdPort(BENCH_SLOT));
  const figures: Figure[] = [];
  let failures = 0;
  try {
    assertSlotFree(pcsc);
    const context: Context = {
      pcsc,
      reader,
      pcscLoop: once(() => buildC({ source: 'pcsc_loop.c', packages: [{ name: 'libpcsclite', debian: 'libpcsclite-dev' }] })),
      pcscLoopAddon: once(() => buildC({ source: 'pcsc_loop_addon.c', packages: [{ name: 'libpcsclite', debian: 'libpcsclite-dev' }], addon: true })),
      vpcdDriver: once(() => buildC({ source: 'vpcd_driver.c' })),
      pkcs11Sign: once(() => buildC({ source: 'pkcs11_sign.c', packages: [{ name: 'p11-kit-1', debian: 'libp11-kit-dev' }], extraFlags: ['-ldl'] })),
    };
    console.log(`cardspec bench: load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}; reader slot ${BENCH_SLOT}`);
    for (const figure of FIGURES) {
      if (wanted.size && !figure.names.some((n) => wanted.has(n))) continue;
      const figureStarted = performance.now();
      process.stdout.write(`  ${figure.names.join(', ')} ... `);
      let results: Figure[];
      try {
        results = await figure.run(context);
      } catch (error) {
        failures++;
        results = failed(figure.names, error);
      }
      figures.push(...results);
      console.log(`${((performance.now() - figureStarted) / 1000).toFixed(1)} s`);
    }
  } finally {
    await reader.empty().catch(() => undefined);
    pcsc.close();
    await pcscd.stop();
  }
  const file = writeResults(figures);
  console.log(`\n${formatTable(figures)}\n\nWritten to ${file} in ${((performance.now() - started) / 1000).toFixed(0)} s.`);
  return failures ? 1 : 0;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
