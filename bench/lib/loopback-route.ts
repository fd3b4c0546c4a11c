/**
 * The other remedy for vpcd's delayed-ACK stall (issue #8): `quickack 1` on the loopback
 * routes of the local table, so the kernel ACKs at once on every loopback connection,
 * without the card's per-read setsockopt. Needs root (CAP_NET_ADMIN). The routes are put
 * back as they were in every case: orderly, on failure, and on Ctrl-C (a synchronous
 * cleanup), since a route left behind would change every later measurement.
 */
import { execFileSync } from 'node:child_process';
import { onCleanup } from '../../src/cleanup.js';

/** The local-table routes that carry 127.0.0.1: `local 127.0.0.0/8 ...` and `local 127.0.0.1 ...`. */
function loopbackRoutes(): string[] {
  const table = execFileSync('ip', ['route', 'show', 'table', 'local'], { encoding: 'utf8' });
  return table
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => /^local 127\.0\.0\.(0\/8|1) /.test(line));
}

function changeRoute(spec: string): void {
  execFileSync('ip', ['route', 'change', 'table', 'local', ...spec.split(/\s+/)], { stdio: ['ignore', 'ignore', 'pipe'] });
}

export class LoopbackQuickAck {
  private constructor(
    private readonly originals: string[],
    private readonly unregister: () => void,
  ) {}

  /**
   * Adds `quickack 1` to the loopback routes. Throws (changing nothing) when not root or
   * when a route already has quickack (left by a bench that was killed: the message
   * says how to put it back).
   */
  static enable(): LoopbackQuickAck {
    if (process.getuid?.() !== 0) throw new Error('changing the loopback route needs root');
    const originals = loopbackRoutes();
    if (originals.length === 0) throw new Error('no "local 127.0.0.x" route in the local table (ip route show table local)');
    const already = originals.filter((r) => /\bquickack\b/.test(r));
    if (already.length > 0) {
      const restore = already.map((r) => `ip route change table local ${r.replace(/\s*quickack \d+/, '')}`).join('; ');
      throw new Error(`the loopback route already has quickack (${already.join('; ')}): a killed bench may have left it; restore with: ${restore}`);
    }
    const restoreAll = (): void => {
      for (const route of originals) changeRoute(route);
    };
    const unregister = onCleanup(restoreAll);
    try {
      for (const route of originals) changeRoute(`${route} quickack 1`);
    } catch (error) {
      restoreAll();
      unregister();
      throw new Error(`ip route change failed: ${(error as { stderr?: Buffer }).stderr?.toString().trim() ?? String(error)}`, { cause: error });
    }
    return new LoopbackQuickAck(originals, unregister);
  }

  /** Puts the routes back as they were and checks that they are. */
  restore(): void {
    for (const route of this.originals) changeRoute(route);
    this.unregister();
    const now = loopbackRoutes();
    if (this.originals.some((r) => !now.includes(r))) {
      throw new Error(`the loopback routes were not restored: expected ${this.originals.join('; ')}, found ${now.join('; ')}`);
    }
  }
}
