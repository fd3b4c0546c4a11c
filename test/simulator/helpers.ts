/** Shared helpers of the simulator tests: send hex, get hex back. */
import { parseHex, toHex } from '../../core/apdu/hex.js';
import { VirtualCard } from '../../simulator/card/virtual-card.js';
import { loadProfile } from '../../core/profile/load.js';
import type { CardProfile } from '../../core/profile/types.js';

const profiles = new Map<string, CardProfile>();

/** A fresh, powered card of a profile (profiles are loaded once per test file). */
export function freshCard(name = 'iso7816-demo'): VirtualCard {
  let profile = profiles.get(name);
  if (profile === undefined) {
    profile = loadProfile(name);
    profiles.set(name, profile);
  }
  const card = new VirtualCard(profile);
  card.powerOn();
  return card;
}

export interface Answer {
  data: string;
  sw: string;
}

/** Sends hex (spaces allowed), returns data as spaced hex and the SW as "9000". */
export function send(card: VirtualCard, hex: string): Answer {
  const r = card.transmit(parseHex(hex));
  return { data: toHex(r.subarray(0, r.length - 2)), sw: toHex(r.subarray(r.length - 2), '') };
}

/** Just the status word. */
export function sw(card: VirtualCard, hex: string): string {
  return send(card, hex).sw;
}

export function ascii(text: string): string {
  return toHex(Buffer.from(text, 'latin1'));
}
