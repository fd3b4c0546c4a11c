/**
 * A bench-only vpcd card transport, as small as it can be: no events, no replace, and a
 * switch for the TCP_QUICKACK re-arm that the project's VpcdSlot always does. With
 * `quickAck: false` it is the stock card of DESIGN.md: Debian's vpcd writes the length
 * and the APDU in two sends without TCP_NODELAY, so every APDU waits ~44 ms for this
 * side's delayed ACK, unless the loopback route has `quickack 1`.
 */
import { Socket } from 'node:net';
import sockopt from 'sockopt';
import { FrameDecoder, VpcdControl, classifyPayload, encodeFrame } from '../../simulator/vpcd/frame.js';

const IPPROTO_TCP = 6;
const TCP_QUICKACK = 12;

/** What answers the frames: the project's VirtualCard, or a card with one fixed answer. */
export interface FrameAnswerer {
  readonly atr: Buffer;
  transmit(apdu: Uint8Array): Buffer;
  powerOn(): unknown;
  powerOff(): void;
  reset(): unknown;
}

/** A card that answers every APDU with the same bytes: the transport's ceiling, with no card OS. */
export class FixedAnswerCard implements FrameAnswerer {
  constructor(
    readonly atr: Buffer,
    private readonly response: Buffer,
  ) {}

  transmit(): Buffer {
    return this.response;
  }

  powerOn(): void {}
  powerOff(): void {}
  reset(): void {}
}

export interface RawVpcdCardOptions {
  host?: string;
  port: number;
  /** Re-arm TCP_QUICKACK after every read, as VpcdSlot does. */
  quickAck: boolean;
}

export class RawVpcdCard {
  private socket: Socket | undefined;
  private readonly decoder = new FrameDecoder();

  constructor(
    private readonly card: FrameAnswerer,
    private readonly options: RawVpcdCardOptions,
  ) {}

  /** Connects to vpcd (a card insertion); resolves once connected. */
  insert(): Promise<void> {
    const socket = new Socket();
    this.socket = socket;
    return new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.on('data', (chunk: Buffer) => this.onData(socket, chunk));
      socket.connect({ host: this.options.host ?? '127.0.0.1', port: this.options.port }, () => {
        socket.off('error', reject);
        socket.on('error', () => undefined);
        socket.setNoDelay(true);
        resolve();
      });
    });
  }

  /** Closes the connection (a card removal); resolves when closed. */
  remove(): Promise<void> {
    const socket = this.socket;
    this.socket = undefined;
    if (socket === undefined || socket.destroyed) return Promise.resolve();
    return new Promise((resolve) => {
      socket.once('close', () => resolve());
      socket.destroy();
    });
  }

  private onData(socket: Socket, chunk: Buffer): void {
    if (this.options.quickAck) sockopt.setsockopt(socket, IPPROTO_TCP, TCP_QUICKACK, 1);
    for (const payload of this.decoder.push(chunk)) {
      const message = classifyPayload(payload);
      if (message.kind === 'apdu') {
        socket.write(encodeFrame(this.card.transmit(message.apdu)));
      } else if (message.code === VpcdControl.ATR_REQUEST) {
        socket.write(encodeFrame(this.card.atr));
      } else if (message.code === VpcdControl.POWER_ON) {
        this.card.powerOn();
      } else if (message.code === VpcdControl.POWER_OFF) {
        this.card.powerOff();
      } else if (message.code === VpcdControl.RESET) {
        this.card.reset();
      }
    }
  }
}
