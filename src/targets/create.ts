import { ContainerTarget } from './container.js';
import { HardwareTarget } from './hardware.js';
import { SimulatorTarget } from './simulator.js';
import { TARGET_NAMES, type Target, type TargetName } from './target.js';
import type { TokenBackend } from './token-card.js';

export interface TargetOptions {
  defaultCard?: string | undefined;
  /** The hardware target's configuration file. */
  config?: string | undefined;
  /** Where the simulator's and the container's PKCS#11 tokens come from (default softhsm). */
  tokenBackend?: TokenBackend | undefined;
}

export function isTargetName(name: string): name is TargetName {
  return (TARGET_NAMES as readonly string[]).includes(name);
}

/** The target a run asked for. */
export function createTarget(name: TargetName, options: TargetOptions = {}): Target {
  switch (name) {
    case 'simulator':
      return new SimulatorTarget({ defaultCard: options.defaultCard, tokenBackend: options.tokenBackend });
    case 'hardware':
      return new HardwareTarget({ defaultCard: options.defaultCard, config: options.config });
    case 'container':
      return new ContainerTarget({ defaultCard: options.defaultCard, tokenBackend: options.tokenBackend });
  }
}
