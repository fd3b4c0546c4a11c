/**
 * The least a simulator start can be, the baseline of `simulator-start`: a Node process
 * that puts the bench card in the bench reader, waits until pcscd reports it, prints
 * `ready`, and takes the card out on SIGINT or SIGTERM. Run as `node dist/bench/lib/minimal-sim.js`.
 */
import { VpcdSlot } from '../../simulator/vpcd/slot.js';
import { PcscContext } from '../../src/pcsc/client.js';
import { benchCard } from './bench-reader.js';
import { BENCH_READER, BENCH_SLOT, CARD_EVENT_TIMEOUT_MS } from './bench-slot.js';

const slot = new VpcdSlot({ slot: BENCH_SLOT });
const pcsc = PcscContext.open();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void slot.close().then(() => pcsc.close());
  });
}
await slot.insert(benchCard());
await pcsc.waitForCard(BENCH_READER, CARD_EVENT_TIMEOUT_MS);
console.log('ready');
