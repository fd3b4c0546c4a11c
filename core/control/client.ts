/**
 * The host's end of the control channel: one unix-socket connection to the simulator
 * container's control server, requests answered in order, failures raised again as
 * HarnessErrors with the code the container gave.
 */
import { connect, type Socket } from 'node:net';
import { HarnessCodes, HarnessError, isErrorCode } from '../errors.js';
import { LineSplitter, decodeResponse, encodeRequest, type ControlRequest, type ControlResult } from './protocol.js';

/** Token initialisation takes ~100 ms, a profile load a few ms: anything near this is a hung container. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

interface Pending {
  op: string;
  resolve: (result: unknown) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

export class ControlClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private closedBecause: Error | undefined;

  private constructor(
    private readonly socket: Socket,
    readonly socketPath: string,
    private readonly requestTimeoutMs: number,
  ) {
    const lines = new LineSplitter();
    socket.on('data', (chunk: Buffer) => {
      try {
        for (const line of lines.push(chunk)) this.settle(line);
      } catch (error) {
        this.fail(error instanceof Error ? error : new Error(String(error)));
        socket.destroy();
      }
    });
    socket.on('error', (error) => this.fail(error));
    socket.on('close', () => this.fail(new Error('the connection closed')));
  }

  static connect(socketPath: string, requestTimeoutMs = DEFAULT_REQUEST_TIMEOUT_MS): Promise<ControlClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(socketPath);
      socket.once('error', (error) =>
        reject(new HarnessError(HarnessCodes.MISSING_DEPENDENCY, `cannot reach the simulator's control channel at ${socketPath}: ${error.message}`, { cause: error })),
      );
      socket.once('connect', () => {
        socket.removeAllListeners('error');
        resolve(new ControlClient(socket, socketPath, requestTimeoutMs));
      });
    });
  }

  request<R extends ControlRequest>(request: R): Promise<ControlResult<R['op']>> {
    if (this.closedBecause) return Promise.reject(this.closedBecause);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new HarnessError(HarnessCodes.TIMEOUT, `the simulator container did not answer "${request.op}" within ${this.requestTimeoutMs} ms`));
      }, this.requestTimeoutMs);
      this.pending.set(id, { op: request.op, resolve: resolve as (result: unknown) => void, reject, timer });
      this.socket.write(encodeRequest(id, request));
    });
  }

  close(): void {
    this.fail(new Error('the control connection was closed'));
    this.socket.destroy();
  }

  private settle(line: string): void {
    const response = decodeResponse(line);
    const waiting = this.pending.get(response.id);
    if (!waiting) return;
    this.pending.delete(response.id);
    clearTimeout(waiting.timer);
    if (response.ok) waiting.resolve(response.result);
    else waiting.reject(new HarnessError(isErrorCode(response.error.code) ? response.error.code : HarnessCodes.SIMULATOR_ERROR, response.error.message));
  }

  private fail(cause: Error): void {
    this.closedBecause ??= new HarnessError(HarnessCodes.MISSING_DEPENDENCY, `the simulator container's control channel is gone (${cause.message}): did the container stop?`, {
      cause,
    });
    for (const [id, waiting] of this.pending) {
      this.pending.delete(id);
      clearTimeout(waiting.timer);
      waiting.reject(this.closedBecause);
    }
  }
}
