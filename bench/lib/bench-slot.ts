/**
 * The bench's vpcd reader: slot 1 ("Virtual PCD 00 01", port 35964), so that the bench
 * does not take the slot-0 reader of test runs. The bench checks that the slot is free
 * before it starts, and changes cards there one at a time.
 */
import { readFileSync } from 'node:fs';
import { onCleanup } from '../../src/cleanup.js';
import { vpcdPort, vpcdReaderName } from '../../core/vpcd.js';
import type { PcscContext } from '../../src/pcsc/client.js';
import { CARD_EVENT_TIMEOUT_MS } from '../../src/targets/card-flow.js';

export const BENCH_SLOT = 1;
export const BENCH_READER = vpcdReaderName(BENCH_SLOT);
export { CARD_EVENT_TIMEOUT_MS };

const TCP_ESTABLISHED = '01';

/** Whether some program holds an open TCP connection to `port` on this machine (a card in vpcd's slot). */
export function connectionOpenTo(port: number): boolean {
  const portHex = port.toString(16).toUpperCase().padStart(4, '0');
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const [, local, remote, state] = line.trim().split(/\s+/);
      if (state !== TCP_ESTABLISHED || !local || !remote) continue;
      if (local.endsWith(`:${portHex}`) || remote.endsWith(`:${portHex}`)) return true;
    }
  }
  return false;
}

/** Throws a clear error when pcscd has no bench reader or a card already sits in it. */
export function assertSlotFree(pcsc: PcscContext, slot = BENCH_SLOT): void {
  const reader = vpcdReaderName(slot);
  const port = vpcdPort(slot);
  const info = pcsc.listReaders().find((r) => r.name === reader);
  if (!info) {
    const names = pcsc.listReaders().map((r) => `"${r.name}"`).join(', ') || 'none';
    throw new Error(`the bench needs the vpcd reader "${reader}" (port ${port}), which pcscd does not have (readers: ${names})`);
  }
  if (info.present || connectionOpenTo(port)) {
    throw new Error(
      `a card is already in "${reader}" (a connection to vpcd's port ${port} is open): the bench needs that slot for itself. ` +
        'Stop the other run (a `cardspec sim` with two cards, a parallel test worker, another bench) and try again.',
    );
  }
}

/** Something that can be put in the bench reader and taken out again. */
export interface InsertableCard {
  insert(): Promise<void>;
  remove(): Promise<void>;
  /** Takes the card out at once, synchronously, on an interrupt (default: remove()). */
  terminate?(): void;
}

/**
 * Takes the card out at once if the bench is cut short (Ctrl-C, SIGTERM). This must run
 * before anything else: the card answers pcscd on this process's event loop, so any
 * synchronous PC/SC call made while pcscd waits for the card would wait forever. Both
 * transports destroy their socket synchronously inside remove().
 */
export function removeOnExit(card: InsertableCard): () => void {
  return onCleanup(() => (card.terminate ? card.terminate() : void card.remove()));
}

/**
 * Puts `card` in the bench reader and waits until pcscd reports it; returns a function
 * that takes it out and waits until pcscd reports the reader empty.
 */
export async function putInReader(pcsc: PcscContext, card: InsertableCard): Promise<() => Promise<void>> {
  const unregister = removeOnExit(card);
  await card.insert();
  try {
    await pcsc.waitForCard(BENCH_READER, CARD_EVENT_TIMEOUT_MS);
  } catch (error) {
    await card.remove();
    unregister();
    throw error;
  }
  return async () => {
    await card.remove();
    unregister();
    await pcsc.waitForEmpty(BENCH_READER, CARD_EVENT_TIMEOUT_MS);
  };
}
