/**
 * The project's virtual smart card: a card OS over an ISO 7816-4 file system (card/),
 * described by YAML profiles (profiles/, loaded by core/profile), put in pcscd's vpcd
 * reader by a VpcdSlot (vpcd/). Imports only core/, never the harness.
 */
export * from './card/index.js';
export * from '../core/profile/index.js';
export * from './vpcd/index.js';

import { VirtualCard } from './card/virtual-card.js';
import { loadProfile } from '../core/profile/load.js';

/** A fresh card of profile `nameOrPath` (a name under simulator/profiles, or a .yaml path). */
export function createCard(nameOrPath?: string): VirtualCard {
  return new VirtualCard(loadProfile(nameOrPath));
}
