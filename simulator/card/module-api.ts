/**
 * `cardspec/card`: what a card module of a user's project imports to add commands and
 * applets to the virtual card (docs/using-cardspec.md). The module is bundled with what
 * it imports from here, so it runs the same in this process and in the simulator container.
 */
import type { CardModule } from './user-module.js';

export type { CardModule } from './user-module.js';
export type { Applet, CardCommand } from './applet.js';
export type { CardContext, CardSession, Handler, Reply } from './context.js';
export type { CommandApdu } from '../../core/apdu/apdu.js';
export { EMPTY, ok } from './context.js';
export { fail, StatusWordError, SW, swTriesLeft } from './sw.js';

/** Types a card module's export (for editors and tsc); returns it unchanged. */
export function defineCardModule(module: CardModule): CardModule {
  return module;
}
