export { VirtualCard } from './virtual-card.js';
export { StatusWordError, SW } from './sw.js';
export { COMMANDS, type InsInfo } from './commands/index.js';
export { CardOs, checkCla } from './os.js';
export type { CardContext, Handler, Reply } from './context.js';
