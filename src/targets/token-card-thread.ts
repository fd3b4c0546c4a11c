/**
 * The thread that holds the virtual card behind a card-backed PKCS#11 token on the
 * simulator target. PKCS#11 calls are synchronous: while opensc-pkcs11.so waits in
 * SCardTransmit on the worker's main thread, pcscd waits for the card, so the card must
 * answer from another event loop (docs/piv.md, "Card-backed tokens").
 *
 * Messages in: { id, op: 'put', profile, slot } puts a fresh card of the profile in vpcd
 * slot `slot` (in place of the card there, behind the same vpcd connection); { id, op:
 * 'close' } takes the card out. Messages out: { id, replaced } or { id, error }.
 */
import { parentPort } from 'node:worker_threads';
import { loadProfile } from '../../core/profile/index.js';
import { VirtualCard } from '../../simulator/card/index.js';
import { VpcdSlot } from '../../simulator/vpcd/index.js';

export type TokenCardRequest = { id: number; op: 'put'; profile: string; slot: number } | { id: number; op: 'close' };
export type TokenCardAnswer = { id: number; replaced?: boolean; error?: string };

let vpcd: VpcdSlot | undefined;

async function answer(request: TokenCardRequest): Promise<TokenCardAnswer> {
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

parentPort?.on('message', (request: TokenCardRequest) => {
  answer(request).then(
    (result) => parentPort?.postMessage(result),
    (error: unknown) => parentPort?.postMessage({ id: request.id, error: error instanceof Error ? error.message : String(error) }),
  );
});
