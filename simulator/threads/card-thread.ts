/**
 * A thread that holds one virtual card in a vpcd slot, for the card behind a card-backed
 * PKCS#11 token on the simulator target. PKCS#11 calls are synchronous: while
 * opensc-pkcs11.so waits in SCardTransmit on the cucumber worker's thread, pcscd waits for
 * the card, so the card must answer from another event loop (docs/piv.md, "Card-backed
 * tokens"). Messages: core/control/card-thread.ts.
 */
import { parentPort } from 'node:worker_threads';
import type { CardThreadAnswer, CardThreadRequest } from '../../core/control/card-thread.js';
import { loadProfile } from '../../core/profile/index.js';
import { VirtualCard } from '../card/index.js';
import { VpcdSlot } from '../vpcd/index.js';

let vpcd: VpcdSlot | undefined;

async function answer(request: CardThreadRequest): Promise<CardThreadAnswer> {
  if (request.op === 'close') {
    await vpcd?.close();
    vpcd = undefined;
    return { id: request.id };
  }
  const card = new VirtualCard(loadProfile(request.profile));
  if (vpcd === undefined) {
    vpcd = new VpcdSlot({ slot: request.slot });
    // A connection lost to vpcd shows to the harness as a missing card; nothing to do here.
    vpcd.on('error', () => undefined);
  }
  if (vpcd.inserted) {
    vpcd.replace(card);
    return { id: request.id, replaced: true };
  }
  await vpcd.insert(card);
  return { id: request.id, replaced: false };
}

parentPort?.on('message', (request: CardThreadRequest) => {
  answer(request).then(
    (result) => parentPort?.postMessage(result),
    (error: unknown) => parentPort?.postMessage({ id: request.id, error: error instanceof Error ? error.message : String(error) }),
  );
});
