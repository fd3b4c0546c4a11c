import { appendFileSync, chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { SECRET_DATA_INS } from '../../core/apdu/ins.js';
import { MASK, maskSecrets } from '../trace/mask.js';
import { parseShellLine } from './line.js';

/** How many lines the history file keeps. */
export const HISTORY_LINES = 1000;

/**
 * The history file: under the user's state folder (XDG Base Directory: $XDG_STATE_HOME,
 * by default ~/.local/state), cardspec/shell_history.
 */
export function historyFile(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const state = env.XDG_STATE_HOME || join(env.HOME || homedir(), '.local', 'state');
  return join(state, 'cardspec', 'shell_history');
}

/** The lines of the history file, the most recent first (readline's order); none if it is missing. */
export function loadHistory(file: string): string[] {
  try {
    return readFileSync(file, 'utf8').split('\n').filter((l) => l !== '').slice(-HISTORY_LINES).reverse();
  } catch {
    return [];
  }
}

/** Appends a line (already masked), keeping the file to the last HISTORY_LINES lines; readable by its owner only. */
export function appendHistory(file: string, line: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  appendFileSync(file, `${line}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');
  if (lines.length > HISTORY_LINES * 2) writeFileSync(file, `${lines.slice(-HISTORY_LINES).join('\n')}\n`, { mode: 0o600 });
}

/** Text of `${...}` forms: whether it names only environment variables, so it holds no value. */
function onlyEnvForms(text: string): boolean {
  let depth = 0;
  let outside = '';
  let form = '';
  const forms: string[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text.startsWith('${', i)) {
      depth++;
      form += '${';
      i++;
      continue;
    }
    if (depth > 0) {
      form += text[i];
      if (text[i] === '}' && --depth === 0) {
        forms.push(form);
        form = '';
      }
    } else {
      outside += text[i];
    }
  }
  return depth === 0 && forms.length > 0 && forms.every((f) => f.includes('${env:')) && /^[\s:]*$/.test(outside);
}

/**
 * Where the data of a typed APDU starts (an index into `text`), when its INS is one whose
 * data is a PIN (VERIFY, CHANGE REFERENCE DATA, RESET RETRY COUNTER), or undefined.
 * Header bytes are counted on the hex digits as typed; Lc 00 with more bytes is extended.
 */
function secretDataStart(text: string): number | undefined {
  const digits: number[] = []; // index in text of each hex digit before the first ${
  for (let i = 0; i < text.length && !text.startsWith('${', i); i++) if (/[0-9A-Fa-f]/.test(text[i]!)) digits.push(i);
  const byte = (n: number): number | undefined => (digits.length >= 2 * n + 2 ? parseInt(text[digits[2 * n]!]! + text[digits[2 * n + 1]!]!, 16) : undefined);
  const ins = byte(1);
  if (ins === undefined || !SECRET_DATA_INS.has(ins)) return undefined;
  const headerBytes = byte(4) === 0 && digits.length > 10 ? 7 : 5;
  const last = digits[2 * headerBytes - 1];
  if (last !== undefined) return last + 1;
  // No data (VERIFY asking for the tries left), or a header cut short by a ${...} form:
  // then everything after the INS is masked.
  return text.includes('${') ? digits[3]! + 1 : undefined;
}

/**
 * A typed line as the history keeps it and a pipe's echo shows it: the PIN of `verify` and the data of PIN commands
 * as `***` unless they are written as `${env:NAME}` (a name, not a value), and every value
 * that came from the environment in this session masked wherever it stands.
 */
export function maskTypedLine(line: string, secrets: Iterable<string>): string {
  const command = parseShellLine(line);
  let masked = line;
  if (command.kind === 'verify' && command.pin !== undefined && !onlyEnvForms(command.pin)) {
    masked = line.slice(0, line.lastIndexOf(command.pin)) + MASK;
  } else if (command.kind === 'apdu') {
    const start = secretDataStart(line);
    if (start !== undefined && line.slice(start).trim() !== '' && !onlyEnvForms(line.slice(start))) {
      masked = `${line.slice(0, start).trimEnd()} ${MASK}`;
    }
  }
  return maskSecrets(masked, secrets);
}
