import { ContainerTarget } from './container.js';
import { HardwareTarget } from './hardware.js';
import { SimulatorTarget } from './simulator.js';
import { TARGET_NAMES, type Target, type TargetName } from './target.js';

export interface TargetOptions {
  defaultCard?: string | undefined;
  /** The hardware target's configuration file. */
  config?: string | undefined;
  /** Simulator: token labels served by a virtual card (label -> card profile). */
  cardTokens?: Readonly<Record<string, string>> | undefined;
}

export function isTargetName(name: string): name is TargetName {
  return (TARGET_NAMES as readonly string[]).includes(name);
}

/** The target a run asked for. */
export function createTarget(name: TargetName, options: TargetOptions = {}): Target {
  switch (name) {
    case 'simulator':
      return new SimulatorTarget({ defaultCard: options.defaultCard, cardTokens: options.cardTokens });
    case 'hardware':
      return new HardwareTarget({ defaultCard: options.defaultCard, config: options.config });
    case 'container':
      return new ContainerTarget({ defaultCard: options.defaultCard });
  }
}
