/**
 * A card connection whose calls block the calling thread until pcscd answers, over the
 * project's own addon (native/pcsc_sync.c, built by `npm install`). It saves the
 * `smartcard` binding's thread-pool hop on every APDU (docs/performance.md), and may be
 * used only where the card does not answer from this thread and something ends a call
 * the card leaves unanswered: the TransmitWatchdog (the simulator target's card thread).
 */
import { createRequire } from 'node:module';
import sc from 'smartcard';
import { join } from 'node:path';
import { HarnessCodes, HarnessError } from '../../core/errors.js';
import { packageRoot } from '../../core/paths.js';
import { scardError } from './errors.js';

interface PcscSyncAddon {
  connect(reader: string, shareMode: number, protocols: number): [handle: number, protocol: number];
  transmit(handle: number, protocol: number, command: Buffer, maxResponseBytes: number): Buffer;
  reconnect(handle: number, shareMode: number, protocols: number, initialization: number): number;
  status(handle: number): [atr: Buffer, state: number, protocol: number];
  disconnect(handle: number, disposition: number): void;
}

/** Ends a call that the card leaves unanswered past `timeoutMs`; `end` says whether it did. */
export interface TransmitWatchdog {
  begin(timeoutMs: number): void;
  end(): boolean;
}

/** A transmit the watchdog ended: the client turns it into its CARDSPEC_CARD_MUTE. */
export class TransmitTimedOut extends Error {
  constructor(readonly timeoutMs: number) {
    super(`the card did not answer within ${timeoutMs} ms`);
  }
}

let addon: PcscSyncAddon | undefined;

function loadAddon(): PcscSyncAddon {
  if (addon) return addon;
  const file = join(packageRoot(), 'build', 'Release', 'pcsc_sync.node');
  try {
    addon = createRequire(import.meta.url)(file) as PcscSyncAddon;
  } catch (error) {
    throw new HarnessError(
      HarnessCodes.MISSING_DEPENDENCY,
      `the PC/SC addon ${file} could not be loaded (run \`npm install\` in ${packageRoot()}, which builds native/pcsc_sync.c; it needs gcc and libpcsclite-dev): ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  return addon;
}

/** A connected card handle of the addon. Errors are the addon's (numeric `code`); the client maps them. */
export class SyncCard {
  private handle: number;
  private activeProtocol: number;
  private open = true;
  private readonly native: PcscSyncAddon;

  constructor(
    readerName: string,
    shareMode: number,
    private readonly protocols: number,
    private readonly watchdog: TransmitWatchdog,
    /** For connect and reconnect (a reset waits for the card's ATR). */
    private readonly callTimeoutMs: number,
  ) {
    this.native = loadAddon();
    [this.handle, this.activeProtocol] = this.watched(
      'SCardConnect',
      callTimeoutMs,
      () => this.native.connect(readerName, shareMode, protocols),
      // A connection made after its deadline is nobody's: it goes at once.
      ([handle]) => this.native.disconnect(handle, sc.SCARD_LEAVE_CARD),
    );
  }

  /**
   * Runs a call that waits for the card; a call the watchdog ended fails, whatever pcscd
   * answered: a transmit with TransmitTimedOut, connect and reconnect with SCARD_E_TIMEOUT.
   * `release` undoes what such a call made all the same.
   */
  private watched<T>(operation: string, timeoutMs: number, call: () => T, release?: (result: T) => void): T {
    this.watchdog.begin(timeoutMs);
    let result: T | undefined;
    let failure: unknown;
    try {
      result = call();
    } catch (error) {
      failure = error;
    }
    if (this.watchdog.end()) {
      if (failure === undefined && release) {
        try {
          release(result as T);
        } catch {
          // The card is out of the reader: nothing left to undo.
        }
      }
      if (operation === 'SCardTransmit') throw new TransmitTimedOut(timeoutMs);
      throw scardError('SCARD_E_TIMEOUT', operation, `the card did not answer within ${timeoutMs} ms and was taken out of the reader`);
    }
    if (failure !== undefined) throw failure;
    return result as T;
  }

  get connected(): boolean {
    return this.open;
  }

  get protocol(): number {
    return this.activeProtocol;
  }

  transmit(command: Buffer, maxResponseBytes: number, timeoutMs: number): Buffer {
    return this.watched('SCardTransmit', timeoutMs, () => this.native.transmit(this.handle, this.activeProtocol, command, maxResponseBytes));
  }

  /** A reset waits for the card's new ATR: watched like a transmit. */
  reconnect(shareMode: number, initialization: number): void {
    this.activeProtocol = this.watched('SCardReconnect', this.callTimeoutMs, () => this.native.reconnect(this.handle, shareMode, this.protocols, initialization));
  }

  atr(): Buffer {
    return this.native.status(this.handle)[0];
  }

  disconnect(disposition: number): void {
    if (!this.open) return;
    this.open = false;
    this.native.disconnect(this.handle, disposition);
  }
}
