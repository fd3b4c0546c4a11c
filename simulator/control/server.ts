/**
 * The control server of the simulator container: answers the requests of
 * protocol.ts on a unix socket by moving virtual cards in and out of the vpcd readers and
 * by making SoftHSM tokens. Requests of one connection are answered in order.
 */
import { chmod, rm, unlink, writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { HarnessCodes, HarnessError } from '../../core/errors.js';
import { installUserModule } from '../card/user-module.js';
import { VirtualCard } from '../card/virtual-card.js';
import { loadProfile } from '../../core/profile/load.js';
import { VpcdSlot } from '../vpcd/slot.js';
import {
  LineSplitter,
  decodeRequest,
  encodeFailure,
  encodeSuccess,
  requestIdOf,
  type ControlRequest,
  type ControlResult,
  type ProfileSource,
  type SlotStatus,
  type StackVersions,
} from '../../core/control/protocol.js';
import type { SoftHsmTokenStore } from '../../core/softhsm.js';
import { makeOwnedTempDir } from '../../core/owned-dirs.js';

export interface ControlServerOptions {
  socketPath: string;
  /** vpcd slots (readers) the server may fill: Debian's vpcd configuration opens two. */
  slotCount: number;
  /** The container's token store; `cardspec sim` makes its tokens on the host and has none here. */
  tokens?: SoftHsmTokenStore;
  versions: StackVersions;
  /** vpcd's host (default 127.0.0.1). */
  vpcdHost?: string;
  /** vpcd's port for slot 0 (default 35963; slot N listens on this + N): tests use a stand-in vpcd. */
  vpcdBasePort?: number;
  /** Told of every control connection that opens and closes (the container's HostWatch). */
  connectionObserver?: { connected(): void; disconnected(): void };
  /**
   * Stops the pcscd whose vpcd readers the slots fill and starts it again as it was started;
   * resolves once the new one answers on its socket. Only the container runs its own pcscd:
   * without this, `restart-pcscd` is refused.
   */
  restartPcscd?: () => Promise<void>;
}

interface SlotState {
  readonly vpcd: VpcdSlot;
  /** The card in the slot, or the one taken out last (to be inserted again). */
  card: VirtualCard | undefined;
  profile: string | undefined;
}

/** A card profile from the request: a name of the image's profiles, or files sent along (written to a temporary folder). */
async function loadRequestedProfile(source: ProfileSource): Promise<ReturnType<typeof loadProfile>> {
  if ('name' in source) {
    const profile = loadProfile(source.name);
    if (profile.module !== undefined) profile.module.cursor.fail('a profile sent as files with its card module\'s code', 'a name');
    return profile;
  }
  // Owned, so that the next run removes it if this process is killed before the finally.
  const dir = await makeOwnedTempDir('profile');
  try {
    for (const [name, text] of Object.entries(source.files)) await writeFile(join(dir, name), text);
    const profile = loadProfile(join(dir, source.file));
    if (profile.module !== undefined) {
      const code = source.module ?? profile.module.cursor.fail('the card module\'s code sent along with the profile', 'none');
      await installUserModule(profile, code);
    }
    return profile;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export class ControlServer {
  private readonly slots: SlotState[];
  private server: Server | undefined;
  private readonly connections = new Set<Socket>();

  constructor(private readonly options: ControlServerOptions) {
    this.slots = Array.from({ length: options.slotCount }, (_, slot) => {
      const vpcd = new VpcdSlot({
        slot,
        ...(options.vpcdHost ? { host: options.vpcdHost } : {}),
        ...(options.vpcdBasePort ? { port: options.vpcdBasePort + slot } : {}),
      });
      vpcd.on('error', (error: Error) => console.error(`vpcd slot ${slot}: ${error.message}`));
      vpcd.on('removed', ({ byPeer }: { byPeer: boolean }) => {
        if (byPeer) console.error(`vpcd closed the connection of slot ${slot} (pcscd stopped?)`);
      });
      return { vpcd, card: undefined, profile: undefined };
    });
  }

  /** Listens on the socket (replacing a stale one), usable by any host user. */
  async listen(): Promise<void> {
    await unlink(this.options.socketPath).catch(() => undefined);
    const server = createServer((socket) => this.serve(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.socketPath, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    await chmod(this.options.socketPath, 0o777);
  }

  /** Answers one request (also used for the cards and tokens asked for on the command line). */
  async handle<R extends ControlRequest>(request: R): Promise<ControlResult<R['op']>> {
    return (await this.dispatch(request)) as ControlResult<R['op']>;
  }

  async close(): Promise<void> {
    for (const socket of this.connections) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = undefined;
    await Promise.all(this.slots.map((s) => s.vpcd.close()));
  }

  private serve(socket: Socket): void {
    this.connections.add(socket);
    this.options.connectionObserver?.connected();
    const lines = new LineSplitter();
    let queue = Promise.resolve();
    socket.on('close', () => {
      this.connections.delete(socket);
      this.options.connectionObserver?.disconnected();
    });
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      let received: string[];
      try {
        received = lines.push(chunk);
      } catch (error) {
        socket.end(encodeFailure(0, error));
        return;
      }
      for (const line of received) {
        queue = queue.then(async () => {
          const answer = await this.answer(line);
          if (!socket.destroyed) socket.write(answer);
        });
      }
    });
  }

  private async answer(line: string): Promise<string> {
    let id = requestIdOf(line) ?? 0;
    try {
      const decoded = decodeRequest(line);
      id = decoded.id;
      return encodeSuccess(id, await this.dispatch(decoded.request));
    } catch (error) {
      return encodeFailure(id, error);
    }
  }

  private slot(index: number): SlotState {
    const state = this.slots[index];
    if (!state) {
      throw new HarnessError(HarnessCodes.UNKNOWN_READER, `the simulator container has vpcd slots 0 to ${this.slots.length - 1}, not ${index}`);
    }
    return state;
  }

  private status(index: number): SlotStatus {
    const { vpcd, card, profile } = this.slot(index);
    return { slot: index, reader: vpcd.readerName, inserted: vpcd.inserted, profile, atr: card?.atr.toString('hex').toUpperCase(), faults: vpcd.faultPlan };
  }

  /**
   * A fresh card of `source` in reader `index`: in place of the card there, behind the
   * same vpcd connection (pcscd sees no removal), or inserted into the empty reader.
   * Returns whether it replaced a card.
   */
  private async putCard(index: number, source: ProfileSource): Promise<boolean> {
    const state = this.slot(index);
    const profile = await loadRequestedProfile(source);
    const card = new VirtualCard(profile);
    const replaced = state.vpcd.inserted;
    if (replaced) state.vpcd.replace(card);
    else await state.vpcd.insert(card);
    state.card = card;
    state.profile = profile.name;
    return replaced;
  }

  /**
   * Restarts pcscd. Its stop closes the cards' vpcd connections (a removal by the peer, as
   * the 'removed' handler logs); once the new pcscd listens, each card that was in its
   * reader goes back in, as a virtual card reconnects. A card taken out before stays out.
   */
  private async restartPcscd(): Promise<ControlResult<'restart-pcscd'>> {
    const restart = this.options.restartPcscd;
    if (!restart) throw new HarnessError(HarnessCodes.UNSUPPORTED, 'this simulator uses a pcscd it did not start (the system\'s): it does not restart it');
    const held = this.slots.filter((state) => state.vpcd.inserted);
    // Not events.once: it would reject on the slot's 'error' event, which a connection reset by the stopping pcscd may emit.
    const removed = held.map((state) => new Promise<void>((resolve) => state.vpcd.once('removed', () => resolve())));
    await restart();
    await Promise.all(removed);
    for (const state of held) if (state.card) await state.vpcd.insert(state.card);
    return { slots: this.slots.map((_, index) => this.status(index)) };
  }

  private async dispatch(request: ControlRequest): Promise<unknown> {
    switch (request.op) {
      case 'insert': {
        const replaced = await this.putCard(request.slot, request.profile);
        return { ...this.status(request.slot), replaced };
      }
      case 'replace': {
        const { vpcd } = this.slot(request.slot);
        if (!vpcd.inserted) throw new HarnessError(HarnessCodes.NO_CARD, `reader "${vpcd.readerName}" holds no card to replace: insert one`);
        await this.putCard(request.slot, request.profile);
        return this.status(request.slot);
      }
      case 'remove': {
        await this.slot(request.slot).vpcd.remove();
        return this.status(request.slot);
      }
      case 'reinsert': {
        const state = this.slot(request.slot);
        if (!state.card) throw new HarnessError(HarnessCodes.NO_CARD, 'no card was inserted before, so none can be inserted again');
        if (state.vpcd.inserted) throw new HarnessError(HarnessCodes.CARD_PRESENT, 'the card is still in the reader: remove it first');
        await state.vpcd.insert(state.card);
        return this.status(request.slot);
      }
      case 'faults': {
        const { vpcd } = this.slot(request.slot);
        if (request.clear) vpcd.clearFaults();
        vpcd.addFaults(request.plan);
        return this.status(request.slot);
      }
      case 'token':
        if (!this.options.tokens) throw new HarnessError(HarnessCodes.UNSUPPORTED, 'this simulator makes no tokens over its control channel');
        return this.options.tokens.token(request.label, { userPin: request.userPin, soPin: request.soPin });
      case 'restart-pcscd':
        return this.restartPcscd();
      case 'status':
        return {
          slots: this.slots.map((_, index) => this.status(index)),
          tokens: this.options.tokens?.labels ?? [],
          versions: this.options.versions,
        } satisfies ControlResult<'status'>;
    }
  }
}
