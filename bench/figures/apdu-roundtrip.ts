/**
 * Figure `apdu-roundtrip` (issue #7): the time of one APDU through the harness's PC/SC
 * client (CardConnection.transmit, the path every step takes: binding, GET RESPONSE
 * logic, trace), over a C loop of SCardTransmit on the same card and reader. READ BINARY
 * of 16 bytes, T=1, the simulator's card in the bench reader. pyscard and scriptor are
 * measured the same way for the table.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onCleanup } from '../../src/cleanup.js';
import type { CardConnection } from '../../src/pcsc/client.js';
import { ApduTrace } from '../../src/trace/trace.js';
import { openBindingLoop } from '../lib/binding-reference.js';
import { BlockServer } from '../lib/block-server.js';
import { BENCH_READER } from '../lib/bench-slot.js';
import { READ_BINARY_16, READ_BINARY_16_RESPONSE_BYTES, type BenchReader } from '../lib/bench-reader.js';
import { interleave } from '../lib/interleave.js';
import { benchFile, SYSTEM_PYTHON } from '../lib/paths.js';
import { lastJsonLine, runProcess } from '../lib/processes.js';
import { ratioOf, type Figure } from '../lib/result.js';
import { median, nowUs, pairedRatio, round } from '../lib/stats.js';

export const APDU_ROUNDTRIP_GOAL_RATIO = 1.15;

/** What one loop of N APDUs gives: the median and mean per APDU, in µs. */
export interface LoopStats {
  medianUs: number;
  meanUs: number;
}

/** The C baseline (bench/c/pcsc_loop.c) on the bench reader. */
export async function cLoop(binary: string, iterations: number): Promise<LoopStats> {
  const { stdout } = await runProcess(binary, [BENCH_READER, String(iterations), READ_BINARY_16, String(READ_BINARY_16_RESPONSE_BYTES)], {
    timeoutMs: 30_000 + iterations * 100,
  });
  return lastJsonLine<LoopStats>(stdout);
}

/** The harness's client: `transmit` (the steps' path) or `transmitRaw` (binding and trace only). */
async function harnessLoop(connection: CardConnection, iterations: number, raw: boolean): Promise<LoopStats> {
  // A fresh trace per loop, as every scenario has: the trace keeps every exchange.
  connection.trace = new ApduTrace();
  const command = Buffer.from(READ_BINARY_16, 'hex');
  const samples = new Float64Array(iterations);
  const started = nowUs();
  for (let i = 0; i < iterations; i++) {
    const t0 = nowUs();
    if (raw) {
      const response = await connection.transmitRaw(command);
      if (response.length !== READ_BINARY_16_RESPONSE_BYTES) throw new Error(`READ BINARY answered ${response.toString('hex')}`);
    } else {
      const response = await connection.transmit(command);
      if (response.sw !== 0x9000 || response.data.length !== 16) throw new Error(`READ BINARY answered ${response.sw.toString(16)}`);
    }
    samples[i] = nowUs() - t0;
  }
  const total = nowUs() - started;
  return { medianUs: median(Array.from(samples)), meanUs: total / iterations };
}

/** scriptor has no clock of its own: the time of N+1 APDUs minus the time of one, over N. */
function scriptorLoop(folder: string, iterations: number): () => Promise<LoopStats> {
  const spaced = (hex: string): string => hex.match(/../g)!.join(' ');
  const empty = join(folder, 'read-1.txt');
  const full = join(folder, `read-${iterations + 1}.txt`);
  writeFileSync(empty, `${spaced(READ_BINARY_16)}\n`);
  writeFileSync(full, `${spaced(READ_BINARY_16)}\n`.repeat(iterations + 1));
  // No `-p T=1`: scriptor's T=1-only connect fails on vpcd ("Card protocol mismatch"); T=0|T=1 gets T=1.
  const run = (file: string) => runProcess('scriptor', ['-r', BENCH_READER, file], { timeoutMs: 30_000 + iterations * 100 });
  return async () => {
    const base = await run(empty);
    const loaded = await run(full);
    if (!loaded.stdout.includes('Using T=1 protocol')) throw new Error(`scriptor did not connect with T=1:\n${loaded.stdout.slice(0, 300)}`);
    // Every READ BINARY ends in a "90 00 : Normal processing." line.
    const okCount = loaded.stdout.split('\n').filter((l) => l.includes('90 00 : Normal processing.')).length;
    if (okCount !== iterations + 1) throw new Error(`scriptor: ${okCount - 1} of ${iterations} READ BINARY answered 9000:\n${loaded.stdout.slice(-500)}`);
    const perApdu = ((loaded.wallMs - base.wallMs) * 1000) / iterations;
    return { medianUs: perApdu, meanUs: perApdu };
  };
}

/** bench/c/pcsc_loop_addon.c: the C loop's code, run on this process's main thread. */
interface InProcessLoop {
  open(reader: string, apduHex: string, expectLen: number): void;
  run(iterations: number): LoopStats;
  close(): void;
}

/** The C loop or pyscard kept connected, for blocks of APDUs (see BlockServer). */
function loopServer(program: string, args: readonly string[]): BlockServer<LoopStats> {
  return new BlockServer<LoopStats>(program, [...args, BENCH_READER, '-', READ_BINARY_16, String(READ_BINARY_16_RESPONSE_BYTES)]);
}

export interface ApduRoundtripOptions {
  reader: BenchReader;
  cLoopBinary: string;
  /** The same loop as an addon (pcsc_loop_addon.c), run in this process. */
  cLoopAddon: string;
  /** Interleaved blocks per client, and APDUs per block. */
  rounds: number;
  iterations: number;
  /** scriptor runs as a whole program per measurement: fewer, longer rounds. */
  scriptorRounds: number;
  scriptorIterations: number;
}

export async function apduRoundtrip(options: ApduRoundtripOptions): Promise<Figure> {
  const { reader, cLoopBinary, cLoopAddon, rounds, iterations, scriptorRounds, scriptorIterations } = options;
  // Loaded before anything is opened. It blocks this thread for a block of APDUs, as the
  // harness's own transmit does: the card answers from its thread.
  const inProcess = createRequire(import.meta.url)(cLoopAddon) as InProcessLoop;
  await reader.use('simulator');
  const folder = mkdtempSync(join(tmpdir(), 'cardspec-bench-scriptor-'));
  const unregister = onCleanup(() => rmSync(folder, { recursive: true, force: true }));
  // The steps' connection: blocking calls, the card on its own thread (the simulator target's way).
  const connection = await reader.pcsc.connect(BENCH_READER, new ApduTrace(), { watchdog: reader.watchdog });
  // The same through the binding's thread pool, as the container and hardware targets send.
  const pooled = await reader.pcsc.connect(BENCH_READER);
  const binding = await openBindingLoop(BENCH_READER, Buffer.from(READ_BINARY_16, 'hex'), READ_BINARY_16_RESPONSE_BYTES).catch(async (error: unknown) => {
    connection.disconnect();
    pooled.disconnect();
    throw error;
  });
  const c = loopServer(cLoopBinary, []);
  const pyscard = loopServer(SYSTEM_PYTHON, [benchFile('py', 'pcsc_loop.py')]);
  try {
    inProcess.open(BENCH_READER, READ_BINARY_16, READ_BINARY_16_RESPONSE_BYTES);
    if (connection.protocol !== 'T=1') throw new Error(`the bench card runs ${connection.protocol}, expected T=1`);
    const results = await interleave<LoopStats>(rounds, [
      { name: 'harness', run: () => harnessLoop(connection, iterations, false) },
      { name: 'c', run: () => c.run(iterations) },
      { name: 'c-in-process', run: () => Promise.resolve(inProcess.run(iterations)) },
      { name: 'harness-raw', run: () => harnessLoop(connection, iterations, true) },
      { name: 'harness-pooled', run: () => harnessLoop(pooled, iterations, false) },
      { name: 'binding', run: () => binding.run(iterations) },
      { name: 'pyscard', run: () => pyscard.run(iterations) },
    ]);
    const scriptor = scriptorLoop(folder, scriptorIterations);
    results.set('scriptor', []);
    for (let round = 0; round < scriptorRounds; round++) results.get('scriptor')!.push(await scriptor());
    const medians = (name: string): number[] => results.get(name)!.map((r) => r.medianUs);
    const means = (name: string): number[] => results.get(name)!.map((r) => r.meanUs);
    const value = median(medians('harness'));
    const baseline = median(medians('c'));
    // Each block of ours ran next to a block of the C loop (and of pyscard), under the same
    // load: the ratio is the median of those pairs' ratios, which the machine's load drifts
    // (2-3x over a run here) do not move as they move the medians.
    const paired = (name: string, over: string): number => pairedRatio(medians(name), medians(over));
    const ratio = ratioOf(value, baseline) === null ? null : paired('harness', 'c');
    const pyscardValue = median(medians('pyscard'));
    const versusPyscard = paired('harness', 'pyscard');
    return {
      name: 'apdu-roundtrip',
      value: round(value),
      unit: 'µs/APDU',
      baseline: round(baseline),
      baselineName: 'C SCardTransmit loop',
      ratio: ratio === null ? null : round(ratio, 3),
      goal: `ratio <= ${APDU_ROUNDTRIP_GOAL_RATIO}, < pyscard`,
      met: ratio === null ? null : ratio <= APDU_ROUNDTRIP_GOAL_RATIO && versusPyscard < 1,
      rounds,
      samples: { value: medians('harness').map((v) => round(v)), baseline: medians('c').map((v) => round(v)) },
      references: [
        {
          name: "the C loop's code in this process (bench/c/pcsc_loop_addon.c)",
          value: round(median(medians('c-in-process'))),
          unit: 'µs/APDU',
          note: `${round(paired('c-in-process', 'c'), 3)} x the same code in its own process (paired): what the process costs before any code of ours`,
        },
        { name: 'harness transmitRaw (no GET RESPONSE layer)', value: round(median(medians('harness-raw'))), unit: 'µs/APDU' },
        { name: 'harness through the binding\'s thread pool (container, hardware)', value: round(median(medians('harness-pooled'))), unit: 'µs/APDU' },
        { name: 'smartcard binding alone (no src/pcsc)', value: round(median(medians('binding'))), unit: 'µs/APDU' },
        { name: 'pyscard', value: round(pyscardValue), unit: 'µs/APDU', note: `ours / pyscard ${round(versusPyscard, 3)}, pyscard / C ${round(paired('pyscard', 'c'), 3)} (paired)` },
        { name: 'scriptor', value: round(median(medians('scriptor'))), unit: 'µs/APDU', note: 'mean incl. its printing: (t(N+1) - t(1)) / N' },
      ],
      extra: {
        iterations,
        harnessMeanUs: round(median(means('harness'))),
        cMeanUs: round(median(means('c'))),
        pyscardMeanUs: round(median(means('pyscard'))),
        meanRatio: round(median(means('harness')) / median(means('c')), 3),
        ratioOfMedians: round(value / baseline, 3),
        harnessOverPyscard: round(versusPyscard, 3),
        pooledOverC: round(paired('harness-pooled', 'c'), 3),
        inProcessCOverC: round(paired('c-in-process', 'c'), 3),
        harnessOverInProcessC: round(paired('harness', 'c-in-process'), 3),
      },
      notes: [
        `ratio: median of the per-block ratios (ours / the C block next to it); median per APDU within each block, median over ${rounds} interleaved blocks of ${iterations} READ BINARY (16 bytes, T=1) per client on "${BENCH_READER}" (scriptor: ${scriptorRounds} runs of ${scriptorIterations})`,
      ],
    };
  } finally {
    await c.close().catch(() => undefined);
    inProcess.close();
    await pyscard.close().catch(() => undefined);
    binding.close();
    connection.disconnect();
    pooled.disconnect();
    rmSync(folder, { recursive: true, force: true });
    unregister();
  }
}
