/** A process as Linux's /proc tells it (nothing off Linux). */
import { readFileSync } from 'node:fs';

/**
 * The fields of /proc/PID/stat after the command name, from field 3 on: [0] the state,
 * [1] the parent's pid, [19] the start time in clock ticks after boot. Undefined when
 * there is no such process (or no /proc).
 */
export function procStat(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // The command name (field 2) is in parentheses and may hold spaces: count after the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** Whether process `pid` has ended: gone, or a zombie its parent has not reaped yet. */
export function processEnded(pid: number): boolean {
  const fields = procStat(pid);
  return fields === undefined || fields[0] === 'Z';
}
