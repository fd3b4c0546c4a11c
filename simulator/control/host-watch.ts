/**
 * The simulator container watches its host: the host keeps one control connection open
 * for its whole run, and the kernel closes it when the host process dies, SIGKILL
 * included. When no control connection is left for `graceMs` (or none came within
 * `firstContactMs` of the start), the host is gone and the simulator stops; Docker's
 * AutoRemove then removes the container. Nothing is left running after `kill -9` of a run.
 */
export interface HostWatchOptions {
  /** How long the simulator waits after its last control connection closed. */
  graceMs: number;
  /** How long it waits for the first control connection after it became ready. */
  firstContactMs: number;
  /** Called once, with why the host counts as gone. */
  onHostGone: (reason: string) => void;
}

export class HostWatch {
  private connections = 0;
  private timer: NodeJS.Timeout | undefined;
  private gone = false;

  constructor(private readonly options: HostWatchOptions) {}

  /** Arms the first-contact deadline (call when the simulator is ready). */
  start(): void {
    if (this.connections === 0) this.arm(this.options.firstContactMs, `no host connected within ${this.options.firstContactMs} ms`);
  }

  connected(): void {
    this.connections += 1;
    this.disarm();
  }

  disconnected(): void {
    this.connections = Math.max(0, this.connections - 1);
    if (this.connections === 0) this.arm(this.options.graceMs, `the host's control connection closed ${this.options.graceMs} ms ago and none came back`);
  }

  stop(): void {
    this.gone = true;
    this.disarm();
  }

  private arm(delayMs: number, reason: string): void {
    this.disarm();
    this.timer = setTimeout(() => {
      if (this.gone) return;
      this.gone = true;
      this.options.onHostGone(reason);
    }, delayMs);
  }

  private disarm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
