/**
 * A loop program kept running between blocks (pcsc_loop.c and pcsc_loop.py with
 * ITERATIONS "-"): each `run(n)` writes n on its stdin and reads the JSON line it prints.
 * Short blocks of each client, interleaved, share the machine's load alike, which loops of
 * thousands of APDUs in separate processes do not on a busy machine.
 */
import { spawn } from 'node:child_process';
import { killOnExit } from './processes.js';

export class BlockServer<T> {
  private readonly child;
  private buffered = '';
  private waiting: { resolve: (line: string) => void; reject: (error: Error) => void } | undefined;
  private stderr = '';
  private ended: Error | undefined;

  constructor(command: string, args: readonly string[]) {
    this.child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    killOnExit(this.child);
    this.child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      this.buffered += chunk;
      const newline = this.buffered.indexOf('\n');
      if (newline < 0 || !this.waiting) return;
      const line = this.buffered.slice(0, newline);
      this.buffered = this.buffered.slice(newline + 1);
      const waiting = this.waiting;
      this.waiting = undefined;
      waiting.resolve(line);
    });
    this.child.stderr.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    this.child.once('error', (error) => this.end(new Error(`cannot run ${command}: ${error.message}`)));
    this.child.once('close', (code, signal) => this.end(new Error(`${command} ended (${signal ?? code}): ${this.stderr.trim().slice(-1000)}`)));
  }

  /** Runs a block of `iterations` and gives its JSON line. */
  run(iterations: number): Promise<T> {
    if (this.ended) return Promise.reject(this.ended);
    return new Promise<string>((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.child.stdin.write(`${iterations}\n`);
    }).then((line) => JSON.parse(line) as T);
  }

  /** Ends the program (EOF on its stdin) and waits for its exit. */
  async close(): Promise<void> {
    if (this.ended) return;
    const closed = new Promise<void>((resolve) => this.child.once('close', () => resolve()));
    this.child.stdin.end();
    await closed;
  }

  private end(error: Error): void {
    this.ended ??= error;
    this.waiting?.reject(this.ended);
    this.waiting = undefined;
  }
}
