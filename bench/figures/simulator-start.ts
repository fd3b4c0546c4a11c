/**
 * Figure `simulator-start`: from spawning `cardspec sim` to its `ready` line, per target.
 * The embedded target is measured; the container target does not exist yet, and says so
 * in the results instead of giving a number. A new target is one more entry in
 * SIMULATOR_START_TARGETS. Baseline: a bare Node process that inserts a card and waits
 * for pcscd to see it (bench/lib/minimal-sim.ts), so the ratio is the CLI's own cost.
 */
import { fileURLToPath } from 'node:url';
import { VPCD_BASE_PORT } from '../../simulator/vpcd/slot.js';
import type { PcscContext } from '../../src/pcsc/client.js';
import { assertSlotFree, BENCH_READER, CARD_EVENT_TIMEOUT_MS } from '../lib/bench-slot.js';
import { interleave } from '../lib/interleave.js';
import { packageRoot } from '../lib/paths.js';
import { startProcess } from '../lib/processes.js';
import { notMeasured, ratioOf, type Figure } from '../lib/result.js';
import { median, round } from '../lib/stats.js';

/** `cardspec sim` puts its first card in vpcd slot 0 and has no option to pick another. */
const SIM_SLOT = 0;
const START_TIMEOUT_MS = 60_000;

interface StartTarget {
  name: string;
  /** Why the target cannot be measured yet, or undefined when it can. */
  unavailable?: string;
  args: string[];
}

export const SIMULATOR_START_TARGETS: StartTarget[] = [
  { name: 'embedded', args: ['bin/cardspec.js', 'sim'] },
  { name: 'container', unavailable: 'container target not available (cardspec sim --target container is not implemented yet)', args: ['bin/cardspec.js', 'sim', '--target', 'container'] },
];

/** Spawns, waits for `ready`, stops with SIGTERM and waits for the exit: the time to `ready`. */
async function timeToReady(args: string[]): Promise<number> {
  const started = await startProcess(process.execPath, args, /^ready$/, { cwd: packageRoot(), timeoutMs: START_TIMEOUT_MS });
  started.child.kill('SIGTERM');
  await started.done;
  return started.startMs;
}

export interface SimulatorStartOptions {
  pcsc: PcscContext;
  rounds: number;
}

export async function simulatorStart(options: SimulatorStartOptions): Promise<Figure[]> {
  const { pcsc, rounds } = options;
  const minimal = fileURLToPath(new URL('../lib/minimal-sim.js', import.meta.url));
  const figures: Figure[] = [];
  for (const target of SIMULATOR_START_TARGETS) {
    // The embedded target is the figure of issue #7; others are named after their target.
    const name = target.name === 'embedded' ? 'simulator-start' : `simulator-start-${target.name}`;
    if (target.unavailable) {
      figures.push(notMeasured(name, 'ms', 'bare Node + card insertion', target.unavailable));
      continue;
    }
    const results = await interleave<number>(rounds, [
      {
        name: 'sim',
        run: async () => {
          // Slot 0 belongs to test runs: start only while it is free (see notes).
          assertSlotFree(pcsc, SIM_SLOT);
          const ms = await timeToReady(target.args);
          await pcsc.waitForEmpty(`Virtual PCD 00 0${SIM_SLOT}`, CARD_EVENT_TIMEOUT_MS);
          return ms;
        },
      },
      {
        name: 'minimal',
        run: async () => {
          const ms = await timeToReady([minimal]);
          await pcsc.waitForEmpty(BENCH_READER, CARD_EVENT_TIMEOUT_MS);
          return ms;
        },
      },
    ]);
    const value = median(results.get('sim')!);
    const baseline = median(results.get('minimal')!);
    const ratio = ratioOf(value, baseline);
    figures.push({
      name,
      value: round(value, 3),
      unit: 'ms',
      baseline: round(baseline, 3),
      baselineName: 'bare Node + card insertion',
      ratio: ratio === null ? null : round(ratio, 3),
      rounds,
      extra: { target: target.name },
      samples: { value: results.get('sim')!.map((v) => round(v, 3)), baseline: results.get('minimal')!.map((v) => round(v, 3)) },
      notes: [
        `spawn of \`node ${target.args.join(' ')}\` to its "ready" line; one default card. It uses vpcd slot 0 (port ${VPCD_BASE_PORT + SIM_SLOT}), ` +
          'since cardspec sim cannot pick a slot: the bench checks the slot is free before each start',
        'pcscd polls vpcd readers every 400 ms, so up to 400 ms of either figure is waiting for the poll that sees the card',
      ],
    });
  }
  return figures;
}
