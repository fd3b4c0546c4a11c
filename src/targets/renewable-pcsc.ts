import { HarnessCodes, HarnessError } from '../../core/errors.js';
import { PcscContext } from '../pcsc/client.js';

/**
 * The PC/SC context of a target whose pcscd may restart (the simulator, the container).
 * A context means nothing to a pcscd started after it: a restart opens a new one and
 * retires the old one, which is closed only when the scenario moves on (closeRetired):
 * closing it at once would turn the scenario's SCARD_E_NO_SERVICE into
 * SCARD_E_INVALID_HANDLE.
 */
export class RenewablePcscContext {
  private current: PcscContext | undefined;
  private retired: PcscContext | undefined;

  constructor(private readonly targetName: string) {}

  /** The context of the pcscd that runs now. */
  get context(): PcscContext {
    if (!this.current) throw new HarnessError(HarnessCodes.NOT_STARTED, `the ${this.targetName} target is not started`);
    return this.current;
  }

  /** The context of the pcscd that runs now, if one is open (for a stop that may follow a failed start). */
  get open(): PcscContext | undefined {
    return this.current;
  }

  /** Takes `context` (opened and checked by the target's start) as the one of the pcscd that runs. */
  use(context: PcscContext): void {
    this.current = context;
  }

  /** After pcscd restarted: a new context for the new pcscd, the one before retired. */
  renew(): void {
    this.closeRetired();
    this.retired = this.current;
    this.current = PcscContext.open();
  }

  /** Closes the retired context: the scenario that held its connection has moved on. */
  closeRetired(): void {
    try {
      this.retired?.close();
    } catch {
      // Its pcscd is gone: nothing to release.
    }
    this.retired = undefined;
  }

  /** Closes both contexts. Safe to call more than once. */
  close(): void {
    this.closeRetired();
    this.current?.close();
    this.current = undefined;
  }
}
