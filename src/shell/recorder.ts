import { ApduFormatError, parseCommand, type ResponseApdu } from '../../core/apdu/apdu.js';
import { swHex, toHex } from '../../core/apdu/hex.js';
import { Ins, SECRET_DATA_INS } from '../../core/apdu/ins.js';

/**
 * Turns what happened in a shell session (or a scriptor script) into a Gherkin feature
 * that `cardspec run` passes on the same card: each exchange becomes `When I send the
 * APDU` with its observed answer as the expectation. The PIN is written as
 * `${env:CARD_PIN}`, never as its value. Pure code: no I/O.
 */

/** The environment variable that holds the card's PIN in the project's features. */
export const PIN_VARIABLE = 'CARD_PIN';

export type RecordedEvent =
  /** An APDU as the person typed it (with `${...}` forms) and as it went to the card. */
  | {
      kind: 'apdu';
      typed: string;
      command: Buffer;
      /** The answer; absent in a skeleton (`cardspec import --no-run`) and when `error` is set. */
      response?: ResponseApdu;
      /** The code of the error the exchange ended with (SCARD_*, CARDSPEC_REFUSED, ...). */
      error?: string;
    }
  | { kind: 'reset' }
  | { kind: 'cold' }
  | { kind: 'atr'; atr: Buffer }
  | { kind: 'auto'; on: boolean }
  | { kind: 'comment'; text: string };

export interface FeatureHeader {
  feature: string;
  scenario: string;
  /** The card profile the session used (`--card`), for `Given the card "X" is inserted`. */
  profile?: string | undefined;
  /** Comment lines put above the feature (where and when it was recorded). */
  notes: string[];
  /** The PIN's value where the environment gives it (CARD_PIN), to recognise it in APDUs. */
  pinFromEnv?: string | undefined;
}

const PADDING_BYTES = new Set([0xff, 0x00]);

function isPrintableAscii(bytes: Buffer): boolean {
  return bytes.length > 0 && bytes.every((b) => b >= 0x20 && b < 0x7f);
}

/** The PIN as the card took it: VERIFY data without its padding. */
function pinFromVerifyData(data: Buffer): Buffer {
  let end = data.length;
  while (end > 0 && PADDING_BYTES.has(data[end - 1]!)) end--;
  return data.subarray(0, end);
}

/** Where a command's data lies: the header (with Lc) before it, Le after. */
function splitData(command: Buffer): { head: Buffer; data: Buffer; tail: Buffer } | undefined {
  try {
    const parsed = parseCommand(command);
    if (parsed.data.length === 0) return undefined;
    const offset = parsed.extended ? 7 : 5;
    return { head: command.subarray(0, offset), data: parsed.data, tail: command.subarray(offset + parsed.data.length) };
  } catch (error) {
    if (error instanceof ApduFormatError) return undefined;
    throw error;
  }
}

/**
 * The PIN of the session: the data of the first VERIFY the card accepted (9000), else the
 * value of CARD_PIN, else the data of the first VERIFY that got no answer. Only this value is replaced by `${env:CARD_PIN}`; another value in a
 * PIN command (a wrong PIN tried on purpose, a new PIN) is written as sent.
 */
export function sessionPin(events: readonly RecordedEvent[], pinFromEnv: string | undefined): Buffer | undefined {
  const verifies = events.filter((e): e is Extract<RecordedEvent, { kind: 'apdu' }> => e.kind === 'apdu' && e.command[1] === Ins.VERIFY);
  const data = (event: { command: Buffer }): Buffer | undefined => splitData(event.command)?.data;
  const accepted = verifies.find((e) => e.response?.sw === 0x9000 && data(e));
  if (accepted) return pinFromVerifyData(data(accepted)!);
  if (pinFromEnv) return Buffer.from(pinFromEnv, 'latin1');
  // No answer tells which value is the PIN (a skeleton, a refused VERIFY): the first one sent is taken for it.
  const unanswered = verifies.find((e) => !e.response && data(e));
  return unanswered ? pinFromVerifyData(data(unanswered)!) : undefined;
}

/** How the PIN is written in a step: as text when it is printable, as hex otherwise. */
function pinForm(pin: Buffer): string {
  return isPrintableAscii(pin) ? `\${ascii:\${env:${PIN_VARIABLE}}}` : `\${env:${PIN_VARIABLE}}`;
}

/**
 * The hex of a command for its step: as typed when it names environment variables (the
 * values stay out), else the bytes as sent, with the PIN's bytes in the data of a PIN
 * command replaced by its `${env:CARD_PIN}` form.
 */
export function commandText(event: { typed: string; command: Buffer }, pin: Buffer | undefined): { text: string; usesPin: boolean } {
  if (event.typed.includes('${env:')) return { text: event.typed, usesPin: event.typed.includes(`\${env:${PIN_VARIABLE}}`) };
  const ins = event.command[1];
  const parts = ins !== undefined && SECRET_DATA_INS.has(ins) ? splitData(event.command) : undefined;
  if (!parts || !pin || pin.length === 0 || !parts.data.subarray(0, pin.length).equals(pin)) return { text: toHex(event.command), usesPin: false };
  const rest = parts.data.subarray(pin.length);
  const text = [toHex(parts.head), pinForm(pin), toHex(rest), toHex(parts.tail)].filter((s) => s !== '').join(' ');
  return { text, usesPin: true };
}

/** Response data as a Gherkin comment when it reads as text, so a person sees what it says. */
function textComment(data: Buffer): string | undefined {
  const text = data.toString('latin1');
  if (!/^[\x20-\x7e\n\r\t]+$/.test(text) || !/[A-Za-z]{2}/.test(text)) return undefined;
  return `# ${JSON.stringify(text)}`;
}

function quoted(text: string): string {
  return `"${text}"`;
}

/** The steps of one event, each line without indentation. */
function eventSteps(event: RecordedEvent, pin: Buffer | undefined, usedPin: { value: boolean }): string[] {
  switch (event.kind) {
    case 'comment':
      return [`# ${event.text}`];
    case 'reset':
      return ['When the card is reset'];
    case 'cold':
      return ['When the card is powered off and on'];
    case 'atr':
      return [`Then the ATR is ${quoted(toHex(event.atr))}`];
    case 'auto':
      return [`Given automatic GET RESPONSE is ${event.on ? 'on' : 'off'}`];
    case 'apdu': {
      const { text, usesPin } = commandText(event, pin);
      if (usesPin) usedPin.value = true;
      const steps = [`When I send the APDU ${quoted(text)}`];
      if (event.error !== undefined) return [...steps, `Then it fails with ${event.error}`];
      if (!event.response) {
        // A skeleton: the expectations are for a person to write.
        return [...steps, '# Then the status word is "...."', '# Then the response data is "..."'];
      }
      const { data, sw } = event.response;
      steps.push(`Then the status word is ${quoted(swHex(sw))}`);
      if (data.length === 0) {
        steps.push('Then the response data is empty');
      } else if (event.command[1] === Ins.GET_CHALLENGE) {
        // A challenge differs every time: only its length can be expected.
        steps.push(`Then the response data has ${data.length} byte${data.length === 1 ? '' : 's'}`);
      } else {
        const comment = textComment(data);
        if (comment) steps.push(comment);
        steps.push(`Then the response data is ${quoted(toHex(data))}`);
      }
      return steps;
    }
  }
}

/**
 * A step right after one of the same keyword reads "And ...", as people write Gherkin; a
 * step after a comment line keeps its keyword.
 */
function withAnd(lines: string[]): string[] {
  let previous = '';
  return lines.map((line) => {
    const keyword = /^(Given|When|Then) /.exec(line)?.[1];
    if (keyword === undefined) {
      previous = '';
      return line;
    }
    const same = keyword === previous;
    previous = keyword;
    return same ? `And ${line.slice(keyword.length + 1)}` : line;
  });
}

/** The whole feature, ready to be written to a .feature file. */
export function renderFeature(header: FeatureHeader, events: readonly RecordedEvent[]): string {
  const pin = sessionPin(events, header.pinFromEnv);
  const usedPin = { value: false };
  const body = withAnd(events.flatMap((event) => eventSteps(event, pin, usedPin)));
  const notes = [...header.notes];
  if (usedPin.value) {
    const how = pin && !isPrintableAscii(pin) ? 'as hex' : 'as text';
    notes.push(`The PIN is not written here: set ${PIN_VARIABLE} (${how}) before the run, e.g. ${PIN_VARIABLE}=... npx cardspec run FILE`);
  }
  const given = header.profile ? `Given the card ${quoted(header.profile)} is inserted` : 'Given a card is inserted';
  return [
    ...notes.map((n) => `# ${n}`),
    `Feature: ${header.feature}`,
    '',
    `  Scenario: ${header.scenario}`,
    `    ${given}`,
    ...body.map((line) => `    ${line}`),
    '',
  ].join('\n');
}
