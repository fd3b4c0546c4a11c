/**
 * What runs on the simulator target's card thread (see card-host.ts): the card answers
 * pcscd through its VpcdSlot here, so the cucumber worker's main thread may block in a
 * synchronous SCardTransmit. This thread also ends a transmit that the card leaves
 * unanswered: once the main thread's call is past its deadline (the APDU timeout), the card is
 * taken out of the reader, which is what makes pcscd give the blocked call back. (A card
 * whose code never returns would block this thread and its watchdog with it: that is a
 * simulator bug, not a mute card.)
 */
import { parentPort, workerData } from 'node:worker_threads';
import { VirtualCard } from '../../simulator/card/index.js';
import { installUserModule } from '../../simulator/card/user-module.js';
import { ProfileCache, type CardProfile } from '../../core/profile/index.js';
import { VpcdSlot } from '../../simulator/vpcd/index.js';
import { TRANSMIT_DEADLINE_MS, TRANSMIT_TIMED_OUT, WATCHDOG_PERIOD_MS, type CardHostData, type CardHostReply, type CardHostRequest } from './card-host-protocol.js';

/** Serves the card host's requests on this worker thread; `makeCard` lets a test host a card of its own kind. */
export function serveCards(makeCard: (profile: CardProfile) => VirtualCard = (profile) => new VirtualCard(profile)): void {
  const { slot: slotIndex, clock } = workerData as CardHostData;
  const shared = new Int32Array(clock.buffer);
  const port = parentPort!;
  const slot = new VpcdSlot({ slot: slotIndex });
  const profiles = new ProfileCache();
  /** The card of the last insert: a removed card goes back in as it was (PINs, counters). */
  let card: VirtualCard | undefined;

  slot.on('removed', ({ byPeer }: { byPeer: boolean }) => port.postMessage({ event: 'removed', byPeer } satisfies CardHostReply));
  slot.on('error', (error: Error) => port.postMessage({ event: 'error', message: error.message } satisfies CardHostReply));

  const watchdog = setInterval(() => {
    const deadline = Atomics.load(shared, TRANSMIT_DEADLINE_MS);
    if (deadline <= 0 || Date.now() - clock.originMs < deadline) return;
    // Claims the call only if it is still the one that is late: a call answered meanwhile
    // has put 0 (or a new deadline) in the slot, and its card stays in.
    if (Atomics.compareExchange(shared, TRANSMIT_DEADLINE_MS, deadline, TRANSMIT_TIMED_OUT) === deadline) void slot.remove();
  }, WATCHDOG_PERIOD_MS);

  async function handle(request: CardHostRequest): Promise<void> {
    switch (request.op) {
      case 'insert': {
        const profile = profiles.get(request.profile);
        if (request.moduleCode !== undefined) await installUserModule(profile, request.moduleCode);
        card = makeCard(profile);
        if (slot.inserted) slot.replace(card);
        else await slot.insert(card);
        return;
      }
      case 'reinsert':
        if (card === undefined) throw new Error('no card was inserted before');
        await slot.insert(card);
        return;
      case 'remove':
        await slot.remove();
        return;
      case 'faults':
        slot.addFaults(request.plan);
        return;
      case 'close':
        clearInterval(watchdog);
        await slot.close();
        port.close();
        return;
    }
  }

  port.on('message', (request: CardHostRequest) => {
    handle(request).then(
      () => port.postMessage({ id: request.id, inserted: slot.inserted } satisfies CardHostReply),
      (error: unknown) => {
        const { message, code } = error as { message?: string; code?: string };
        port.postMessage({ id: request.id, inserted: slot.inserted, error: { message: message ?? String(error), code } } satisfies CardHostReply);
      },
    );
  });
}
