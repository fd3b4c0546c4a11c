/**
 * Temporary folders that say who made them. A run killed with SIGKILL runs no cleanup, so
 * its folders (the container's socket folder, the simulator target's SoftHSM tokens, OpenSSL
 * files) stay in the temporary directory; the next run removes them, but only those whose
 * owning process is gone. The owner is the process id together with its start time
 * (/proc/PID/stat), so a reused process id is never taken for the owner.
 */
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { procStat } from './proc.js';

/** Every temporary folder of the project starts with this. */
export const TEMP_DIR_PREFIX = 'cardspec-';
/** The owner record in each folder. */
export const OWNER_FILE = '.cardspec-owner.json';

export interface DirOwner {
  pid: number;
  /** Clock ticks after boot when the process started (/proc/PID/stat field 22); undefined off Linux. */
  startTime: number | undefined;
  host: string;
}

/** A process's start time in clock ticks after boot, or undefined when it does not exist (or off Linux). */
export function processStartTime(pid: number): number | undefined {
  const ticks = Number(procStat(pid)?.[19]);
  return Number.isFinite(ticks) ? ticks : undefined;
}

export function currentOwner(): DirOwner {
  return { pid: process.pid, startTime: processStartTime(process.pid), host: hostname() };
}

/** Whether the process that wrote `owner` still runs (on this host; another host's folder counts as alive). */
export function ownerAlive(owner: DirOwner): boolean {
  if (owner.host !== hostname()) return true;
  if (owner.startTime !== undefined) return processStartTime(owner.pid) === owner.startTime;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(dir: string): DirOwner | undefined {
  try {
    const value = JSON.parse(readFileSync(join(dir, OWNER_FILE), 'utf8')) as Partial<DirOwner>;
    if (typeof value.pid !== 'number' || typeof value.host !== 'string') return undefined;
    return { pid: value.pid, startTime: typeof value.startTime === 'number' ? value.startTime : undefined, host: value.host };
  } catch {
    return undefined;
  }
}

/** mkdtemp in the temporary directory, with this process recorded as the owner. */
export async function makeOwnedTempDir(kind: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `${TEMP_DIR_PREFIX}${kind}-`));
  writeFileSync(join(dir, OWNER_FILE), JSON.stringify(currentOwner()));
  return dir;
}

/**
 * Removes the project's temporary folders whose owner is dead. A folder without an owner
 * record (another program's, or one being made right now) is left alone. Returns the
 * folders removed.
 */
export function removeStaleTempDirs(parent = tmpdir()): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(parent).filter((name) => name.startsWith(TEMP_DIR_PREFIX));
  } catch {
    return removed;
  }
  for (const name of names) {
    const dir = join(parent, name);
    const owner = readOwner(dir);
    if (!owner || ownerAlive(owner)) continue;
    try {
      rmSync(dir, { recursive: true, force: true });
      removed.push(dir);
    } catch {
      // Another user's folder, or removed meanwhile by another run: not ours to insist on.
    }
  }
  return removed;
}

let swept = false;

/** removeStaleTempDirs once per process, at the first target start. */
export function removeStaleTempDirsOnce(): void {
  if (swept) return;
  swept = true;
  removeStaleTempDirs();
}
