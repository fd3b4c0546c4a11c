import { once } from 'node:events';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { FrameDecoder, encodeFrame } from '../../simulator/vpcd/frame.js';

/**
 * A stand-in for pcscd's vpcd driver, for tests of the card side without pcscd: it
 * listens where a card connects, and sends the card frames and reads its answers on the
 * latest connection.
 */
export class StandInVpcd {
  private readonly server: Server = createServer((socket) => this.accept(socket));
  private readonly sockets: Socket[] = [];
  private socket_: Socket | undefined;
  private readonly decoder = new FrameDecoder();
  private readonly frames: Buffer[] = [];
  private waiters: (() => void)[] = [];

  /** Starts listening on a free loopback port and returns it. */
  async listen(): Promise<number> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return (this.server.address() as AddressInfo).port;
  }

  /** How many times a card connected. */
  get connections(): number {
    return this.sockets.length;
  }

  /** The latest connection (a card's), for tests that end it from the reader's side. */
  get socket(): Socket {
    if (!this.socket_) throw new Error('no card connected');
    return this.socket_;
  }

  get cardPresent(): boolean {
    return this.socket_ !== undefined;
  }

  private accept(socket: Socket): void {
    this.sockets.push(socket);
    this.socket_ = socket;
    this.decoder.clear();
    this.frames.length = 0;
    socket.on('data', (chunk: Buffer) => {
      if (socket !== this.socket_) return;
      this.frames.push(...this.decoder.push(chunk));
      this.wake();
    });
    // A card taken out with bytes in flight resets the connection: for vpcd that is a removal ('close' follows).
    socket.on('error', () => undefined);
    socket.on('close', () => {
      if (this.socket_ === socket) this.socket_ = undefined;
      this.wake();
    });
    this.wake();
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  private changed(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Resolves once `count` connections have been made (by default: the first). */
  async connected(count = 1): Promise<void> {
    while (this.sockets.length < count) await this.changed();
  }

  /** Resolves once no card is connected. */
  async whenClosed(): Promise<void> {
    while (this.socket_) await this.changed();
  }

  /** Sends raw bytes (possibly several frames, possibly a part of one). */
  write(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** Sends a frame that has no answer (power on, off, reset). */
  tell(payload: Buffer): void {
    this.write(encodeFrame(payload));
  }

  /** The card's next answer frame. */
  async next(): Promise<Buffer> {
    while (this.frames.length === 0) {
      if (!this.socket_) throw new Error('the card disconnected');
      await this.changed();
    }
    return this.frames.shift()!;
  }

  async nextHex(): Promise<string> {
    return (await this.next()).toString('hex').toUpperCase();
  }

  /** Sends a frame and resolves with the card's answer. */
  async ask(payload: Buffer): Promise<Buffer> {
    this.tell(payload);
    return this.next();
  }

  /** `ask` in upper-case hex both ways, spaces allowed in `hex`. */
  async exchange(hex: string): Promise<string> {
    return (await this.ask(Buffer.from(hex.replace(/ /g, ''), 'hex'))).toString('hex').toUpperCase();
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.server.close();
    await once(this.server, 'close');
  }
}
