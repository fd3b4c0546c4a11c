import { compactHexOf } from '../../core/apdu/hex.js';
import { HarnessCodes, HarnessError } from '../../core/errors.js';

/**
 * The `${...}` forms of step parameters: `${name}` (a value saved in the scenario),
 * `${env:NAME}` (an environment variable) and `${ascii:TEXT}` (TEXT's ASCII bytes as hex).
 * Forms nest. Values that come from the environment are secrets: the expansion reports
 * them, and what was made of them, so that traces and reports can mask them.
 */
export interface Expansion {
  text: string;
  /** Substrings of `text` that must never be shown: env values and hex made from them. */
  secrets: string[];
}

export interface ExpandContext {
  saved: ReadonlyMap<string, string>;
  env: Readonly<Record<string, string | undefined>>;
}

const NAME = /^[A-Za-z0-9_-]+$/;

/** Saved names are letters, digits, `_` and `-`. */
export function isSavedName(name: string): boolean {
  return NAME.test(name);
}

export function expand(text: string, context: ExpandContext): Expansion {
  const secrets: string[] = [];
  const result = expandFrom(text, 0, context, secrets, text);
  return { text: result.text, secrets: secrets.filter((s) => s.length > 0) };
}

/** Expands from `start` up to an unmatched `}` (returned as `end`) or the end of the text. */
function expandFrom(
  text: string,
  start: number,
  context: ExpandContext,
  secrets: string[],
  whole: string,
): { text: string; end: number; secret: boolean } {
  let out = '';
  let secret = false;
  let i = start;
  while (i < text.length) {
    if (text.startsWith('${', i)) {
      const inner = expandFrom(text, i + 2, context, secrets, whole);
      if (inner.end >= text.length) {
        throw new HarnessError(HarnessCodes.UNDEFINED_VARIABLE, `"\${" at column ${i + 1} of "${whole}" is never closed`);
      }
      const value = resolveForm(inner.text, context, whole);
      const isSecret = value.secret || inner.secret;
      if (isSecret) {
        secrets.push(value.text);
        secret = true;
      }
      out += value.text;
      i = inner.end + 1;
    } else if (text[i] === '}' && start > 0) {
      return { text: out, end: i, secret };
    } else {
      out += text[i];
      i++;
    }
  }
  return { text: out, end: i, secret };
}

function resolveForm(form: string, context: ExpandContext, whole: string): { text: string; secret: boolean } {
  if (form.startsWith('env:')) {
    const name = form.slice(4);
    if (!name) throw new HarnessError(HarnessCodes.UNDEFINED_VARIABLE, `"\${env:}" in "${whole}" names no variable`);
    const value = context.env[name];
    if (value === undefined) {
      throw new HarnessError(HarnessCodes.UNDEFINED_VARIABLE, `environment variable ${name} is not set (used in "${whole}")`);
    }
    return { text: value, secret: true };
  }
  if (form.startsWith('ascii:')) {
    return { text: Buffer.from(form.slice(6), 'latin1').toString('hex').toUpperCase(), secret: false };
  }
  if (!isSavedName(form)) {
    throw new HarnessError(HarnessCodes.UNDEFINED_VARIABLE, `"\${${form}}" in "${whole}" is not a saved name (letters, digits, _ and -), env:NAME or ascii:TEXT`);
  }
  const value = context.saved.get(form);
  if (value === undefined) {
    const known = [...context.saved.keys()];
    throw new HarnessError(
      HarnessCodes.UNDEFINED_VARIABLE,
      `"\${${form}}" in "${whole}" was not saved in this scenario (saved: ${known.length ? known.join(', ') : 'nothing'})`,
    );
  }
  return { text: value, secret: false };
}

/** The `\n` and `\t` escapes of text parameters (messages, labels, plaintexts). */
export function unescapeText(text: string): string {
  return text.replace(/\\([nt\\])/g, (_m, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : '\\'));
}

/**
 * The bytes that a secret put verbatim into expanded hex (`${env:PIN}`,
 * `${ascii:${env:PIN}}`), as upper-case hex. The hardware PIN guard trusts the configured
 * card PIN only among these: bytes typed out are never taken for it.
 */
export function secretHexBytes(expansion: Expansion): string[] {
  const trusted: string[] = [];
  for (const secret of expansion.secrets) {
    const asHex = compactHexOf(secret);
    if (expansion.text.includes(secret) && asHex !== undefined) trusted.push(asHex);
  }
  return trusted;
}
