import { HexError, parseHex } from '../../core/apdu/hex.js';
import { HarnessCodes, HarnessError } from '../../core/errors.js';

/**
 * Scripts of pcsc-tools' scriptor and gscriptor: one APDU per line in hex (spaced or not,
 * a line ending in `\` continues on the next), `reset` to reset the card, `exit` to stop,
 * `#` at the start of a line for a comment, blank lines ignored. As in scriptor, a line
 * holding the word `reset` or `exit` is that command. Pure code: no I/O.
 */
export type ScriptItem =
  | { kind: 'apdu'; hex: string; line: number }
  | { kind: 'reset'; line: number }
  | { kind: 'comment'; text: string; line: number };

/** A script line that is not hex, with its file, line and column. */
export class ScriptError extends HarnessError {
  constructor(file: string, line: number, message: string, options?: { cause?: unknown }) {
    super(HarnessCodes.BAD_HEX, `${file}, line ${line}: ${message}`, options);
  }
}

export function parseScript(text: string, file: string): ScriptItem[] {
  const items: ScriptItem[] = [];
  let pending = '';
  let pendingLine = 0;
  const lines = text.split(/\r?\n/);
  for (const [index, raw] of lines.entries()) {
    const line = index + 1;
    const trimmed = raw.trim();
    if (pending === '') {
      if (/\bexit\b/i.test(trimmed)) break;
      if (trimmed === '') continue;
      if (trimmed.startsWith('#')) {
        items.push({ kind: 'comment', text: trimmed.slice(1).trim(), line });
        continue;
      }
      if (/\breset\b/i.test(trimmed)) {
        items.push({ kind: 'reset', line });
        continue;
      }
      pendingLine = line;
    }
    if (trimmed.endsWith('\\')) {
      pending += `${trimmed.slice(0, -1).trim()} `;
      continue;
    }
    const hex = (pending + trimmed).trim();
    pending = '';
    if (hex === '') continue;
    if (!hex.includes('${')) {
      try {
        parseHex(hex);
      } catch (error) {
        if (error instanceof HexError) throw new ScriptError(file, pendingLine, error.message, { cause: error });
        throw error;
      }
    }
    items.push({ kind: 'apdu', hex, line: pendingLine });
  }
  if (pending !== '') throw new ScriptError(file, pendingLine, 'the last command ends with "\\" and never goes on');
  return items;
}
