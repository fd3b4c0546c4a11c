import { swHex, toHex } from '../../core/apdu/hex.js';
import { formatCommand } from './mask.js';

/** One exchange with a card: what went, what came back, when and how long it took. */
export interface TraceEntry {
  /** Wall-clock time the command was sent. */
  at: Date;
  command: Buffer;
  /** The response APDU (data and status word); empty when the exchange failed. */
  response: Buffer;
  durationUs: number;
  /** The PC/SC error code when the exchange failed. */
  error?: string;
}

/**
 * The APDU trace of a scenario. The transmit path appends to it; reports read it. Observers
 * see each entry as it is recorded (a live log, a progress display).
 */
export class ApduTrace {
  readonly entries: TraceEntry[] = [];
  private readonly observers: ((entry: TraceEntry) => void)[] = [];

  record(entry: TraceEntry): void {
    this.entries.push(entry);
    for (const observer of this.observers) observer(entry);
  }

  onRecord(observer: (entry: TraceEntry) => void): void {
    this.observers.push(observer);
  }

  clear(): void {
    this.entries.length = 0;
  }
}

/**
 * One line per exchange, secrets masked:
 * `22:41:07.123  00 A4 00 0C 02 3F 00  ->  9000 (success)  187 µs`.
 */
export function formatTraceEntry(entry: TraceEntry, describe: (sw: number) => string): string {
  const time = entry.at.toISOString().slice(11, 23);
  const command = formatCommand(entry.command);
  let answer: string;
  if (entry.error !== undefined) {
    answer = entry.error;
  } else if (entry.response.length >= 2) {
    const sw = entry.response.readUInt16BE(entry.response.length - 2);
    const data = entry.response.subarray(0, entry.response.length - 2);
    answer = `${data.length ? toHex(data) + ' ' : ''}${swHex(sw)} (${describe(sw)})`;
  } else {
    answer = `${toHex(entry.response)} (not a response APDU)`;
  }
  return `${time}  ${command}  ->  ${answer}  ${Math.round(entry.durationUs)} µs`;
}
