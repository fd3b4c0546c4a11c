/**
 * Seeds made ahead (key-pairs.ts has what a seed is): a child process generates the RSA
 * seeds a run's scenarios will ask for (key-plan.ts), in the order they will ask, while
 * the scenarios run. A child process and not a thread: PKCS#11 logins belong to the
 * application, so a login of the maker's in this process would log in every scenario's
 * session. SoftHSM shares token objects between processes through its token folder, so
 * the seeds the child makes are there for this process's sessions.
 *
 * The child reads its order (with the PIN) on stdin, not from its command line, and ends
 * when its stdin closes: with this process, however that ends. It runs at the scenarios'
 * priority: it makes only keys they will wait for.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { KeyTypeName } from '../crypto/key-types.js';
import type { PlannedSeed } from './key-plan.js';
import type { TokenAccess } from './token.js';

/** What the child makes: seeds on tokens of one module, with the user PIN of those tokens. */
export interface SeedOrder {
  modulePath: string;
  env: Record<string, string>;
  userPin: string;
  seeds: readonly PlannedSeed[];
}

/** The child's lines on stdout: the index in the order of a seed made. */
export interface SeedReport {
  made: number;
}

const CHILD = fileURLToPath(new URL('./seed-maker-child.js', import.meta.url));

const seedKey = (label: string, keyType: string, ordinal: number): string => `${label}\0${keyType}\0${ordinal}`;

export class SeedMaker {
  private readonly planned = new Map<string, { made: Promise<boolean>; settle: (made: boolean) => void }>();
  private readonly exited: Promise<unknown>;

  private constructor(
    private readonly child: ChildProcess,
    order: SeedOrder,
  ) {
    // One entry per seed of the order, in its order: the child reports seeds by index.
    const entries = order.seeds.map(({ token, keyType, ordinal }) => {
      const key = seedKey(token, keyType, ordinal);
      let entry = this.planned.get(key);
      if (!entry) {
        let settle!: (made: boolean) => void;
        const made = new Promise<boolean>((resolve) => (settle = resolve));
        entry = { made, settle };
        this.planned.set(key, entry);
      }
      return entry;
    });
    this.exited = once(child, 'exit').finally(() => {
      // Whatever is not made by now will not be: the scenarios make it themselves.
      for (const entry of entries) entry.settle(false);
    });
    // A seed the child could not make is made by the scenario that needs it, which reports its own error.
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const made = /^\{"made":(\d+)\}$/.exec(line)?.[1];
      // Anything else on its stdout (a library's message) is not a report.
      if (made !== undefined) entries[Number(made)]?.settle(true);
    });
  }

  /** Starts the child on `order`; an order of no seeds starts none. */
  static start(order: SeedOrder): SeedMaker | undefined {
    if (order.seeds.length === 0) return undefined;
    const env = { ...process.env };
    // The child is plain JavaScript: a TypeScript loader of the user's steps would only slow its start.
    delete env.NODE_OPTIONS;
    const child = spawn(process.execPath, [CHILD], { stdio: ['pipe', 'pipe', 'ignore'], env });
    child.once('error', () => undefined);
    const maker = new SeedMaker(child, order);
    child.stdin?.on('error', () => undefined);
    child.stdin?.write(`${JSON.stringify(order)}\n`);
    return maker;
  }

  /**
   * Resolves to true once the child made seed `ordinal` of `keyType` on the token
   * labelled `label`; to false at once when it was not asked to, and when it stopped
   * before making it: the caller then makes the seed itself.
   */
  made(label: string, keyType: KeyTypeName, ordinal: number): Promise<boolean> {
    return this.planned.get(seedKey(label, keyType, ordinal))?.made ?? Promise.resolve(false);
  }

  /** Ends the child (mid-key if need be) and waits for it. */
  async stop(): Promise<void> {
    this.stopSync();
    await this.exited;
  }

  /** For exit and signal handlers, which cannot wait. */
  stopSync(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}

/**
 * A target's seeds made ahead: at most one maker, started once the tokens of its seeds
 * exist, and what scenarios ask of it. Until it starts, and when it could not start, every
 * seed counts as not made ahead (made when asked for).
 */
export class SeedsAhead {
  private maker: Promise<SeedMaker | undefined> = Promise.resolve(undefined);
  /** The same, once started: for stopSync, which cannot wait. */
  private running: SeedMaker | undefined;

  /**
   * Makes the tokens of `seeds` (`token`, the target's), then starts the maker on them; a
   * failure leaves the seeds to the scenarios. The tokens share one module, configuration
   * and user PIN: the target made them all.
   */
  start(seeds: readonly PlannedSeed[], token: (label: string) => Promise<TokenAccess>): void {
    if (seeds.length === 0) return;
    this.maker = Promise.all([...new Set(seeds.map((seed) => seed.token))].map(token))
      .then(([access]) => {
        this.running = SeedMaker.start({
          modulePath: access!.modulePath,
          env: access!.env,
          userPin: access!.userPin,
          seeds,
        });
        return this.running;
      })
      .catch(() => undefined);
  }

  /** TokenAccess.keySeeds of the token labelled `label`. */
  made(label: string, keyType: KeyTypeName, ordinal: number): Promise<boolean> {
    return this.maker.then((maker) => (maker ? maker.made(label, keyType, ordinal) : false));
  }

  async stop(): Promise<void> {
    const maker = this.maker;
    this.maker = Promise.resolve(undefined);
    this.running = undefined;
    await (await maker)?.stop();
  }

  /** For exit and signal handlers, which cannot wait. */
  stopSync(): void {
    this.running?.stopSync();
  }
}
