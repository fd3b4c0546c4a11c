import type { ResponseApdu } from '../../core/apdu/apdu.js';
import { swHex, toHex } from '../../core/apdu/hex.js';
import { formatCommand } from '../trace/mask.js';
import type { TraceEntry } from '../trace/trace.js';

/** Bytes per line of a data dump, as in hexdump and scriptor. */
const BYTES_PER_LINE = 16;
/** Width of a full line of spaced hex ("00 " per byte, the last without its space). */
const HEX_COLUMN_WIDTH = BYTES_PER_LINE * 3 - 1;

/** A byte as a character of the ASCII column: printable ASCII as itself, others as a dot. */
function asciiChar(byte: number): string {
  return byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : '.';
}

/** Data as `< hex   ascii` lines, 16 bytes a line. */
export function dataLines(data: Buffer): string[] {
  const lines: string[] = [];
  for (let offset = 0; offset < data.length; offset += BYTES_PER_LINE) {
    const chunk = data.subarray(offset, offset + BYTES_PER_LINE);
    lines.push(`< ${toHex(chunk).padEnd(HEX_COLUMN_WIDTH)}   ${[...chunk].map(asciiChar).join('')}`);
  }
  return lines;
}

export interface ExchangeView {
  /** Every APDU that went to the card for the command: the command, then what cardspec added. */
  entries: readonly TraceEntry[];
  /** The answer the person gets (GET RESPONSE data gathered); absent when the exchange failed. */
  response: ResponseApdu | undefined;
}

export interface DisplayTexts {
  describe: (sw: number) => string;
  /** A duration in milliseconds, written the language's way. */
  milliseconds: (ms: number) => string;
}

/** A raw response APDU in one line: data and SW1 SW2, the meaning of the status word. */
function rawAnswer(entry: TraceEntry, describe: (sw: number) => string): string {
  if (entry.error !== undefined) return entry.error;
  if (entry.response.length < 2) return toHex(entry.response);
  const sw = entry.response.readUInt16BE(entry.response.length - 2);
  return `${toHex(entry.response)}  (${describe(sw)})`;
}

/**
 * What the person sees of one command: the exchanges cardspec made on its own (GET
 * RESPONSE after 61xx, the re-send after 6Cxx, the PIN guard's query) when there were
 * any, then the data in hex and ASCII, the status word, its meaning and the time taken.
 * PIN data is masked as in traces.
 */
export function exchangeLines(view: ExchangeView, texts: DisplayTexts): string[] {
  const lines: string[] = [];
  // On a failure every exchange made is shown (the PIN guard's query before a refusal).
  if (view.entries.length > 1 || (!view.response && view.entries.length > 0)) {
    for (const entry of view.entries) lines.push(`  | ${formatCommand(entry.command)}  ->  ${rawAnswer(entry, texts.describe)}`);
  }
  if (!view.response) return lines;
  lines.push(...dataLines(view.response.data));
  const durationUs = view.entries.reduce((sum, e) => sum + e.durationUs, 0);
  lines.push(`< ${swHex(view.response.sw)}  ${texts.describe(view.response.sw)}  (${texts.milliseconds(durationUs / 1000)})`);
  return lines;
}
