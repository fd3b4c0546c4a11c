import { DEFAULT_PROFILE, ProfileCache } from '../../core/profile/index.js';
import { vpcdReaderName } from '../../core/vpcd.js';
import { HarnessCodes, HarnessError } from '../../core/errors.js';
import type { FaultPlan } from '../../core/faults.js';
import { PcscContext, type CardConnection, type ReaderInfo } from '../pcsc/client.js';
import type { ApduTrace } from '../trace/trace.js';
import { CARD_EVENT_TIMEOUT_MS, CardFlow } from './card-flow.js';
import { CardHost, type HostedCard } from './card-host.js';
import { RenewablePcscContext } from './renewable-pcsc.js';
import { onCleanup } from '../cleanup.js';
import { ensurePcscd, type ManagedPcscd } from './pcscd.js';
import { SoftHsmTokens } from './softhsm.js';
import { makeOpenSslKeysAhead, stopMakingKeysOfRun } from '../crypto/openssl-keys.js';
import type { KeyPlan } from '../pkcs11/key-plan.js';
import type { TokenAccess } from '../pkcs11/token.js';
import { userModuleCode } from './user-module.js';
import type { Target } from './target.js';
import { CardTokens, ThreadTokenCardReader, tokenReaderSlot, type TokenBackend } from './token-card.js';

export interface SimulatorOptions {
  defaultCard?: string | undefined;
  /** The vpcd slot (reader `Virtual PCD 00 0N`): by default the cucumber worker's index. */
  slot?: number;
  /** Where PKCS#11 tokens come from (default softhsm); `piv`: a virtual PIV card through OpenSC. */
  tokenBackend?: TokenBackend | undefined;
  /** The token card's vpcd slot: by default workers + the worker's index (token-card.ts). */
  tokenSlot?: number;
}

/** The cucumber worker's index (0 outside parallel runs): each worker gets its own vpcd slot. */
export function workerIndex(): number {
  const id = Number(process.env.CUCUMBER_WORKER_ID ?? 0);
  return Number.isInteger(id) && id >= 0 ? id : 0;
}

/** How many workers the cucumber run has (CUCUMBER_TOTAL_WORKERS; 1 outside parallel runs). */
export function workerCount(): number {
  const total = Number(process.env.CUCUMBER_TOTAL_WORKERS ?? 1);
  return Number.isInteger(total) && total >= 1 ? total : 1;
}

/** Two virtual cards on one vpcd port would answer each other's commands: a reader in use is refused. */
export function checkReaderFree(reader: ReaderInfo): void {
  if (reader.present) {
    throw new HarnessError(
      HarnessCodes.READER_BUSY,
      `reader "${reader.name}" already holds a card that this run did not insert (another cardspec run or sim, or a vicc): stop it, or keep cardspec sim on another reader (cardspec sim --slot 1)`,
    );
  }
}

/**
 * After a card was taken out at the end of a run: returns once pcscd has seen it (its next
 * poll), so that the next run on this reader does not take pcscd's stale "present" for
 * its own card. A failure here only means pcscd went away: nothing is left to hand over.
 */
export async function waitUntilSeenEmpty(pcsc: PcscContext, reader: string): Promise<void> {
  try {
    await pcsc.waitForEmpty(reader, CARD_EVENT_TIMEOUT_MS);
  } catch {
    // pcscd stopped or the reader is gone.
  }
}

/**
 * The embedded simulator: the system pcscd with vpcd, the project's virtual card on a
 * thread of this process (CardHost: so that APDUs can go out with a blocking transmit),
 * and SoftHSM tokens made for the run.
 */
export class SimulatorTarget implements Target {
  readonly name = 'simulator';
  readonly canMoveCards = true;
  private readonly contexts = new RenewablePcscContext('simulator');
  private pcscd: ManagedPcscd | undefined;
  /** The virtual card's thread (CardHost: so that APDUs can go out with a blocking transmit). */
  private readonly host: CardHost;
  private readonly readerName: string;
  /** A card is a profile (name or path): the card itself lives on the host's thread. */
  private readonly cards: CardFlow<HostedCard>;
  private tokens: SoftHsmTokens | undefined;
  private tokenCards: CardTokens | undefined;
  private readonly profiles = new ProfileCache();
  /**
   * pcscd closed the card's vpcd connection: it stopped or restarted (this worker's step,
   * or another's). The PC/SC context and connection of before mean nothing to a new pcscd.
   */
  private pcscdLost = false;
  private readonly unregisterCleanup: () => void;

  constructor(private readonly options: SimulatorOptions = {}) {
    const slot = options.slot ?? workerIndex();
    this.readerName = vpcdReaderName(slot);
    const host = new CardHost(slot, {
      onRemoved: (byPeer) => {
        if (byPeer) this.pcscdLost = true;
      },
    });
    this.host = host;
    // An interrupted run ends the card's thread at once: its socket closes, which is a removal.
    this.unregisterCleanup = onCleanup(() => host.terminate());
    this.cards = new CardFlow<HostedCard>(
      {
        inserted: () => host.inserted,
        replace: (card) => host.insert(card),
        insert: (card) => host.insert(card),
        remove: () => host.remove(),
        reinsert: () => host.reinsert(),
      },
      this.readerName,
      () => this.pcsc,
      host,
    );
  }

  get pcsc(): PcscContext {
    return this.contexts.context;
  }

  async start(): Promise<void> {
    this.pcscd = await ensurePcscd();
    this.contexts.use(PcscContext.open());
    const readers = this.pcsc.listReaders();
    const mine = readers.find((r) => r.name === this.readerName);
    if (!mine) {
      throw new HarnessError(
        HarnessCodes.UNKNOWN_READER,
        `pcscd has no reader "${this.readerName}" for this worker (readers: ${readers.map((r) => r.name).join(', ') || 'none'}); ` +
          'each parallel worker needs its own vpcd reader: add entries to /etc/reader.conf.d/vpcd and restart pcscd, or run fewer workers',
      );
    }
    checkReaderFree(mine);
    const backend = this.options.tokenBackend;
    if (backend !== undefined && backend !== 'softhsm') {
      const slot = this.options.tokenSlot ?? tokenReaderSlot(workerIndex(), workerCount());
      const reader = readers.find((r) => r.name === vpcdReaderName(slot));
      if (!reader) {
        throw new HarnessError(
          HarnessCodes.UNKNOWN_READER,
          `the ${backend} token card needs a vpcd reader of its own, "${vpcdReaderName(slot)}", and pcscd has none (readers: ${readers.map((r) => r.name).join(', ') || 'none'}); ` +
            'with Debian\'s two vpcd readers run one worker, or use --target container (two readers per worker), or add entries to /etc/reader.conf.d/vpcd and restart pcscd',
        );
      }
      checkReaderFree(reader);
      this.tokenCards = new CardTokens(new ThreadTokenCardReader(slot), () => this.pcsc, { backend });
    }
  }

  /** A fresh card in the reader (see CardFlow.insert: swapped in behind the connection when one is there). */
  async insertCard(profile: string | undefined, trace: ApduTrace): Promise<CardConnection> {
    if (this.pcscdLost) this.reconnectToPcscd();
    this.contexts.closeRetired();
    const name = profile ?? this.options.defaultCard ?? DEFAULT_PROFILE;
    // Loaded here as well, so that a mistake in the profile fails the step with its own error;
    // a card module is bundled here and installed on the card's thread with the card.
    const moduleCode = await userModuleCode(this.profiles.get(name));
    return this.cards.insert({ profile: name, moduleCode }, trace);
  }

  async addFaults(plan: FaultPlan): Promise<void> {
    await this.host.addFaults(plan);
  }

  /**
   * Restarts pcscd. pcscd drops the card's vpcd connection; the card goes back in, as a
   * virtual card reconnects, and this target speaks to the new pcscd. The scenario's
   * connection belonged to the old one: its next APDU fails with SCARD_E_NO_SERVICE.
   */
  async restartPcscd(): Promise<void> {
    if (!this.pcscd) throw new HarnessError(HarnessCodes.NOT_STARTED, 'the simulator target is not started');
    await this.pcscd.restart();
    this.reconnectToPcscd();
    await this.cards.afterPcscdRestart();
  }

  /** A new PC/SC context for a new pcscd (another worker restarted it); the old one retired, the connection forgotten. */
  private reconnectToPcscd(): void {
    this.pcscdLost = false;
    this.cards.forget();
    this.contexts.renew();
  }

  beginScenario(): void {
    // Every scenario gets a fresh card and token session here: nothing to guard.
    this.tokenCards?.beginScenario();
  }

  async removeCard(): Promise<void> {
    return this.cards.remove();
  }

  async reinsertCard(trace: ApduTrace): Promise<CardConnection> {
    return this.cards.reinsert(trace);
  }

  async token(label: string): Promise<TokenAccess> {
    if (this.tokenCards) return this.tokenCards.token(label);
    this.tokens ??= new SoftHsmTokens();
    return this.tokens.token(label);
  }

  makeKeysAhead(plan: KeyPlan): void {
    // A PIV card's token makes no key pairs, and imports none: nothing to make ahead.
    if ((this.options.tokenBackend ?? 'softhsm') !== 'softhsm') return;
    this.tokens ??= new SoftHsmTokens();
    this.tokens.makeSeedsAhead(plan.seeds);
    makeOpenSslKeysAhead(plan.opensslKeys);
  }

  async stop(): Promise<void> {
    this.contexts.closeRetired();
    this.cards.disconnect();
    const wasInserted = this.host.inserted;
    await this.host.close();
    this.unregisterCleanup();
    const pcsc = this.contexts.open;
    if (wasInserted && pcsc) await waitUntilSeenEmpty(pcsc, this.readerName);
    const cardTokens = this.tokenCards;
    this.tokenCards = undefined;
    if (cardTokens) {
      await cardTokens.dispose();
      if (pcsc) await waitUntilSeenEmpty(pcsc, cardTokens.reader);
    }
    this.contexts.close();
    stopMakingKeysOfRun();
    await this.tokens?.dispose();
    this.tokens = undefined;
    await this.pcscd?.stop();
    this.pcscd = undefined;
  }
}
