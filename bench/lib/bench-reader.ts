import { VirtualCard } from '../../simulator/card/virtual-card.js';
import { loadProfile } from '../../core/profile/load.js';
import type { PcscContext } from '../../src/pcsc/client.js';
import type { TransmitWatchdog } from '../../src/pcsc/sync-card.js';
import { CardHost } from '../../src/targets/card-host.js';
import { BENCH_SLOT, putInReader, type InsertableCard } from './bench-slot.js';
import { benchFile } from './paths.js';
import { RawVpcdCard } from './raw-vpcd-card.js';

/** The bench card's profile: EF 0001 of 64 bytes, so READ BINARY of 16 bytes answers 16 bytes. */
export const benchProfilePath = (): string => benchFile('profiles', 'bench-read16.yaml');

/**
 * READ BINARY of 16 bytes from offset 0 of EF 0001 through its short file id (P1 = 81):
 * every APDU stands alone, so no card reset between a SELECT and the loop (pcscd powers
 * a freshly inserted card up and down as it likes) can change its answer.
 */
export const READ_BINARY_16 = '00B0810010';
/** 16 data bytes and SW1-SW2. */
export const READ_BINARY_16_RESPONSE_BYTES = 18;

export function benchCard(): VirtualCard {
  return new VirtualCard(loadProfile(benchProfilePath()));
}

/** The kinds of card the bench puts in its reader. */
export type CardKind =
  /** The project's card behind the project's VpcdSlot (TCP_QUICKACK re-armed after every read), on its own thread as the simulator target has it. */
  | 'simulator'
  /** The same VirtualCard behind the bench's raw transport, without the re-arm: Debian's stock behaviour. */
  | 'stock';

/** The bench card on its own thread (CardHost), as the simulator target has it; `insert` again swaps in a fresh card. */
export function simulatorCard(): InsertableCard & { host: CardHost; watchdog: TransmitWatchdog } {
  const host = new CardHost(BENCH_SLOT);
  return { host, insert: () => host.insert({ profile: benchProfilePath(), moduleCode: undefined }), remove: () => host.close(), terminate: () => host.terminate(), watchdog: host };
}

function insertable(kind: CardKind, port: number): InsertableCard & { watchdog?: TransmitWatchdog } {
  if (kind === 'simulator') return simulatorCard();
  return new RawVpcdCard(benchCard(), { port, quickAck: false });
}

/**
 * The bench reader and the card in it: `use(kind)` swaps cards only when the kind
 * changes (each swap waits for pcscd's removal and insertion polls, ~0.4-0.8 s).
 */
export class BenchReader {
  private current: { kind: CardKind; remove: () => Promise<void>; watchdog: TransmitWatchdog | undefined } | undefined;

  constructor(
    readonly pcsc: PcscContext,
    private readonly port: number,
  ) {}

  get kind(): CardKind | undefined {
    return this.current?.kind;
  }

  /** The simulator card's watchdog, for a blocking connection to it (PcscContext.connect). */
  get watchdog(): TransmitWatchdog | undefined {
    return this.current?.watchdog;
  }

  async use(kind: CardKind, options: { fresh?: boolean } = {}): Promise<void> {
    if (this.current?.kind === kind && !options.fresh) return;
    await this.empty();
    const card = insertable(kind, this.port);
    const remove = await putInReader(this.pcsc, card);
    this.current = { kind, remove, watchdog: card.watchdog };
  }

  async empty(): Promise<void> {
    const current = this.current;
    this.current = undefined;
    await current?.remove();
  }
}
