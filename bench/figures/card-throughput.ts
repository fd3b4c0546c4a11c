/**
 * Figure `card-throughput`: how many APDUs per second the simulator's card answers over
 * vpcd's wire protocol with no pcscd in between, the ceiling of the simulator. A C
 * stand-in for vpcd (bench/c/vpcd_driver.c) listens on an ephemeral port and the card's
 * VpcdSlot connects to it, as it would to vpcd. Baseline: a card that answers every APDU
 * with the same bytes behind the bench's minimal transport, so the ratio is what the card
 * OS and VpcdSlot cost over the bare socket path of Node.
 */
import { VpcdSlot } from '../../simulator/vpcd/slot.js';
import { benchCard, READ_BINARY_16, READ_BINARY_16_RESPONSE_BYTES } from '../lib/bench-reader.js';
import { interleave } from '../lib/interleave.js';
import { lastJsonLine, startProcess } from '../lib/processes.js';
import { FixedAnswerCard, RawVpcdCard } from '../lib/raw-vpcd-card.js';
import { ratioOf, type Figure } from '../lib/result.js';
import { median, nowUs, round } from '../lib/stats.js';

interface DriverResult {
  perSecond: number;
  medianUs: number;
}

interface CardEnd {
  insert(port: number): Promise<void>;
  remove(): Promise<void>;
}

async function driven(driverBinary: string, iterations: number, card: CardEnd): Promise<DriverResult> {
  const driver = await startProcess(driverBinary, [String(iterations), READ_BINARY_16, String(READ_BINARY_16_RESPONSE_BYTES)], /^port (\d+)$/, {
    timeoutMs: 30_000,
  });
  try {
    await card.insert(Number(driver.match[1]));
    return lastJsonLine<DriverResult>((await driver.done).stdout);
  } finally {
    await card.remove();
  }
}

function simulatorEnd(): CardEnd {
  let slot: VpcdSlot | undefined;
  return {
    insert: async (port) => {
      slot = new VpcdSlot({ port });
      await slot.insert(benchCard());
    },
    remove: async () => slot?.close(),
  };
}

function fixedEnd(): CardEnd {
  const answer = Buffer.concat([Buffer.alloc(16, 0x5a), Buffer.from([0x90, 0x00])]);
  let raw: RawVpcdCard | undefined;
  return {
    insert: async (port) => {
      raw = new RawVpcdCard(new FixedAnswerCard(benchCard().atr, answer), { port, quickAck: true });
      await raw.insert();
    },
    remove: async () => raw?.remove(),
  };
}

/** The card OS alone, called in-process: no socket at all. */
function inProcessPerSecond(iterations: number): number {
  const card = benchCard();
  card.powerOn();
  const command = Buffer.from(READ_BINARY_16, 'hex');
  const started = nowUs();
  for (let i = 0; i < iterations; i++) card.transmit(command);
  return iterations / ((nowUs() - started) / 1e6);
}

export interface CardThroughputOptions {
  driverBinary: string;
  rounds: number;
  iterations: number;
}

export async function cardThroughput(options: CardThroughputOptions): Promise<Figure> {
  const { driverBinary, rounds, iterations } = options;
  const results = await interleave<DriverResult>(rounds, [
    { name: 'simulator', run: () => driven(driverBinary, iterations, simulatorEnd()) },
    { name: 'fixed', run: () => driven(driverBinary, iterations, fixedEnd()) },
  ]);
  const perSecond = (name: string): number[] => results.get(name)!.map((r) => r.perSecond);
  const value = median(perSecond('simulator'));
  const baseline = median(perSecond('fixed'));
  const ratio = ratioOf(value, baseline);
  const inProcess = median([0, 1, 2].map(() => inProcessPerSecond(iterations * 4)));
  return {
    name: 'card-throughput',
    value: round(value),
    unit: 'APDU/s',
    baseline: round(baseline),
    baselineName: 'fixed-answer card, same wire',
    ratio: ratio === null ? null : round(ratio, 3),
    rounds,
    samples: { value: perSecond('simulator').map((v) => round(v)), baseline: perSecond('fixed').map((v) => round(v)) },
    references: [
      { name: 'card OS in-process (VirtualCard.transmit, no socket)', value: round(inProcess), unit: 'APDU/s' },
      { name: 'median round trip, simulator card', value: round(median(results.get('simulator')!.map((r) => r.medianUs))), unit: 'µs' },
    ],
    extra: { iterations, inProcessPerSecond: round(inProcess) },
    notes: [`READ BINARY of 16 bytes, one in flight, ${iterations} per round from a C vpcd stand-in on an ephemeral loopback port; ${rounds} rounds`],
  };
}
