/**
 * Figures `simulator-start` and `simulator-start-container`: from spawning `cardspec sim`
 * to its `ready` line, per target, with `--slot 1` (the bench's reader). Each start is
 * stopped with SIGINT and waited for; the time from SIGINT to exit is kept as well. A new
 * target is one more entry in SIMULATOR_START_TARGETS. Baseline: a bare Node process
 * that inserts a card and waits for pcscd to see it (bench/lib/minimal-sim.ts), so the
 * ratio is the CLI's (and for the container, Docker's) own cost.
 *
 * The container target's image is built (or found by its content hash) and started once,
 * untimed, before the rounds. Every container the bench started must be gone after its
 * SIGINT: one left behind is removed with `docker rm -f` and fails the figure.
 */
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { VPCD_BASE_PORT } from '../../core/vpcd.js';
import type { PcscContext } from '../../src/pcsc/client.js';
import { checkDocker, ensureSimulatorImage } from '../../src/targets/container-image.js';
import { assertSlotFree, BENCH_READER, BENCH_SLOT, CARD_EVENT_TIMEOUT_MS } from '../lib/bench-slot.js';
import { cardspecContainers, removeContainers, type CardspecContainer } from '../lib/docker.js';
import { interleave } from '../lib/interleave.js';
import { packageRoot } from '../lib/paths.js';
import { startProcess } from '../lib/processes.js';
import { notMeasured, ratioOf, type Figure } from '../lib/result.js';
import { median, round } from '../lib/stats.js';

/** `cardspec sim --slot 1`: the first card goes in the bench's reader, away from test runs on slot 0. */
const SIM_SLOT = BENCH_SLOT;
const START_TIMEOUT_MS = 60_000;
/** How long a test run's own container may take to go away before the final check names it. */
const OTHER_CONTAINERS_GRACE_MS = 15_000;

export type StartTargetName = 'embedded' | 'container';

interface StartTarget {
  name: StartTargetName;
  args: string[];
  /** Whether its card sits in the host pcscd's bench reader (the container has its own pcscd). */
  usesHostReader: boolean;
}

export const SIMULATOR_START_TARGETS: readonly StartTarget[] = [
  { name: 'embedded', args: ['bin/cardspec.js', 'sim', '--slot', String(SIM_SLOT)], usesHostReader: true },
  { name: 'container', args: ['bin/cardspec.js', 'sim', '--target', 'container', '--slot', String(SIM_SLOT)], usesHostReader: false },
];

interface StartTimes {
  /** Spawn to the `ready` line. */
  readyMs: number;
  /** SIGINT to exit. */
  stopMs: number;
  stdout: string;
}

/** Spawns, waits for `ready`, stops with SIGINT and waits for the exit. */
async function startAndStop(args: string[]): Promise<StartTimes> {
  const started = await startProcess(process.execPath, args, /^ready$/, { cwd: packageRoot(), timeoutMs: START_TIMEOUT_MS });
  const signalled = performance.now();
  started.child.kill('SIGINT');
  const { stdout } = await started.done;
  return { readyMs: started.startMs, stopMs: performance.now() - signalled, stdout };
}

/** The host folder of the container's sockets, from the sim's `export PCSCLITE_CSOCK_NAME=...` line. */
function socketDirOf(stdout: string): string | undefined {
  const socket = stdout.match(/^export PCSCLITE_CSOCK_NAME='([^']+)'/m)?.[1];
  return socket ? dirname(socket) : undefined;
}

/**
 * Tracks the containers of the bench's `cardspec sim --target container` starts, by the
 * socket folder each one mounts, and checks after each stop that its container is gone.
 */
class ContainerWatch {
  private readonly socketDirs = new Set<string>();
  readonly leftBehind = new Map<string, CardspecContainer>();

  private isOurs(container: CardspecContainer): boolean {
    return container.mounts.some((m) => this.socketDirs.has(m));
  }

  /** After a start and its SIGINT: the container of that start must be gone. */
  async afterStop(stdout: string): Promise<void> {
    const dir = socketDirOf(stdout);
    if (!dir) throw new Error(`cardspec sim --target container printed no PCSCLITE_CSOCK_NAME line: ${stdout.trim().slice(-500)}`);
    this.socketDirs.add(dir);
    for (const container of await cardspecContainers()) {
      if (container.mounts.includes(dir)) this.leftBehind.set(container.id, container);
    }
  }

  /**
   * The final check: `docker ps -a --filter label=org.cardspec.project` must be empty. The
   * bench's own containers are removed with `docker rm -f` at once; another run's (a test
   * run on the same machine) get a grace period, are left alone and named in the notes.
   */
  async finalCheck(): Promise<{ ours: CardspecContainer[]; others: CardspecContainer[] }> {
    const deadline = performance.now() + OTHER_CONTAINERS_GRACE_MS;
    for (;;) {
      const all = await cardspecContainers();
      for (const c of all.filter((c) => this.isOurs(c))) this.leftBehind.set(c.id, c);
      await removeContainers([...this.leftBehind.values()]);
      const others = all.filter((c) => !this.isOurs(c) && !this.leftBehind.has(c.id));
      if (!others.length || performance.now() > deadline) return { ours: [...this.leftBehind.values()], others };
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

export interface SimulatorStartOptions {
  pcsc: PcscContext;
  rounds: number;
  target: StartTargetName;
}

export async function simulatorStart(options: SimulatorStartOptions): Promise<Figure> {
  const { pcsc, rounds } = options;
  const target = SIMULATOR_START_TARGETS.find((t) => t.name === options.target)!;
  const minimal = fileURLToPath(new URL('../lib/minimal-sim.js', import.meta.url));
  // The embedded target is the figure of issue #7; others are named after their target.
  const name = target.name === 'embedded' ? 'simulator-start' : `simulator-start-${target.name}`;
  const baselineName = 'bare Node + card insertion';
  const watch = target.name === 'container' ? new ContainerWatch() : undefined;
  const notes: string[] = [];

  if (watch) {
    try {
      await checkDocker();
    } catch (error) {
      return notMeasured(name, 'ms', baselineName, error instanceof Error ? error.message : String(error));
    }
  }
  const stopTimes: number[] = [];
  let results: Map<string, number[]>;
  try {
    if (watch) {
      // Untimed: builds the image if the project changed since the last build (minutes), then
      // one start and stop, so that the rounds find the image and Docker's caches warm.
      const image = await ensureSimulatorImage();
      notes.push(`image ${image.tag} (${image.built ? 'built' : 'reused'} before the rounds), then one untimed start`);
      await watch.afterStop((await startAndStop(target.args)).stdout);
    }
    results = await interleave<number>(rounds, [
      {
        name: 'sim',
        run: async () => {
          if (target.usesHostReader) assertSlotFree(pcsc, SIM_SLOT);
          const times = await startAndStop(target.args);
          stopTimes.push(times.stopMs);
          if (watch) await watch.afterStop(times.stdout);
          if (target.usesHostReader) await pcsc.waitForEmpty(BENCH_READER, CARD_EVENT_TIMEOUT_MS);
          return times.readyMs;
        },
      },
      {
        name: 'minimal',
        run: async () => {
          assertSlotFree(pcsc, BENCH_SLOT);
          const times = await startAndStop([minimal]);
          await pcsc.waitForEmpty(BENCH_READER, CARD_EVENT_TIMEOUT_MS);
          return times.readyMs;
        },
      },
    ]);
  } finally {
    if (watch) {
      const { ours, others } = await watch.finalCheck();
      if (others.length) {
        notes.push(
          `${others.length} cardspec container(s) of another run were still there after ${OTHER_CONTAINERS_GRACE_MS / 1000} s and were left alone: ${others.map((c) => c.name).join(', ')}`,
        );
      }
      if (ours.length) {
        // Thrown from finally: replaces any error of the rounds, which is the lesser news.
        // eslint-disable-next-line no-unsafe-finally
        throw new Error(
          `${ours.length} simulator container(s) were still there after SIGINT and its exit: ${ours.map((c) => c.name).join(', ')} (removed with docker rm -f)`,
        );
      }
    }
  }
  const value = median(results.get('sim')!);
  const baseline = median(results.get('minimal')!);
  const ratio = ratioOf(value, baseline);
  const where = target.usesHostReader
    ? `vpcd slot ${SIM_SLOT} of the host's pcscd (port ${VPCD_BASE_PORT + SIM_SLOT})`
    : `vpcd slot ${SIM_SLOT} of the container's own pcscd (the host's readers are not touched)`;
  return {
    name,
    value: round(value, 3),
    unit: 'ms',
    baseline: round(baseline, 3),
    baselineName,
    ratio: ratio === null ? null : round(ratio, 3),
    rounds,
    extra: { target: target.name, stopMs: round(median(stopTimes), 3) },
    samples: { value: results.get('sim')!.map((v) => round(v, 3)), baseline: results.get('minimal')!.map((v) => round(v, 3)) },
    references: [{ name: 'SIGINT to exit (card out, everything removed)', value: round(median(stopTimes), 3), unit: 'ms' }],
    notes: [
      `spawn of \`node ${target.args.join(' ')}\` to its "ready" line; one default card in ${where}; then SIGINT and wait for the exit`,
      'pcscd polls vpcd readers every 400 ms, or 20 ms with cardspec\'s poll library (docs/targets.md): up to that much of either figure is waiting for the poll that sees the card',
      ...notes,
    ],
  };
}
