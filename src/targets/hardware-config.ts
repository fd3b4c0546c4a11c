import { readFileSync } from 'node:fs';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { HarnessCodes, HarnessError } from '../../core/errors.js';

/**
 * The run configuration of a bench of physical readers: a YAML file a person reads and
 * edits. PINs never stand in it as values: `${env:NAME}` or `${file:PATH}` (a file outside
 * the repository) say where they come from.
 */
export interface HardwareConfig {
  /**
   * How to pick the reader: its exact name, /a regular expression/, or its index.
   * Undefined: the one reader that holds a card (see HardwareTarget).
   */
  reader: ReaderSelector | undefined;
  /** How long "Given a card is inserted" waits for a card. */
  cardTimeoutMs: number;
  /**
   * Where the card's PIN comes from (`${env:NAME}` / `${file:PATH}`, default
   * `${env:CARD_PIN}`): the one value the PIN guard sends without reading the tries left.
   */
  cardPin: string;
  pkcs11: { module: string; tokens: TokenConfig[] } | undefined;
}

export type ReaderSelector = { kind: 'name'; name: string } | { kind: 'pattern'; pattern: RegExp } | { kind: 'index'; index: number };

export interface TokenConfig {
  label: string;
  /** Where the PINs come from (`${env:NAME}` / `${file:PATH}`), resolved when the token is used. */
  userPin: string;
  soPin: string | undefined;
  /**
   * The reader (PKCS#11 slot description) whose card is this token, for middleware such as
   * OpenSC whose token label is the card's (a PIV card: its 9A certificate's name), not the
   * name the features use.
   */
  reader?: string;
}

export const DEFAULT_CONFIG_FILE = 'cardspec.hardware.yaml';
/** The card PIN without `cardPin:`: the variable the project's features use. */
export const DEFAULT_CARD_PIN = '${env:CARD_PIN}';
/** A token's user PIN when its entry (or the configuration) gives none. */
export const DEFAULT_TOKEN_PIN = '${env:TOKEN_PIN}';

/** How a configured secret is written: `${env:NAME}` or `${file:PATH}`, never the value. */
const SECRET_REFERENCE = /^\$\{(env|file):(.+)\}$/;
const DEFAULT_CARD_TIMEOUT_MS = 30_000;

/**
 * The configuration without a file: no reader named (the hardware target takes the one
 * that holds a fitting card), the default card timeout, no PKCS#11; PINs come from the
 * environment as the features say.
 */
export function defaultHardwareConfig(): HardwareConfig {
  return { reader: undefined, cardTimeoutMs: DEFAULT_CARD_TIMEOUT_MS, cardPin: DEFAULT_CARD_PIN, pkcs11: undefined };
}

export class ConfigError extends HarnessError {
  constructor(file: string, line: number | undefined, field: string, message: string) {
    super(HarnessCodes.BAD_CONFIG, `bad hardware configuration ${file}${line ? `, line ${line}` : ''}, ${field}: ${message}`);
  }
}

export function parseReaderSelector(text: string): ReaderSelector {
  const pattern = /^\/(.*)\/([a-z]*)$/.exec(text);
  if (pattern) return { kind: 'pattern', pattern: new RegExp(pattern[1]!, pattern[2]) };
  if (/^\d+$/.test(text)) return { kind: 'index', index: Number(text) };
  return { kind: 'name', name: text };
}

/**
 * The readers a selector means among pcscd's readers (a pattern may mean several: a bench
 * of readers, each with its own card), or an error that says which readers exist.
 */
export function selectReaders(selector: ReaderSelector, readers: string[]): string[] {
  const found =
    selector.kind === 'name' ? readers.filter((r) => r === selector.name)
    : selector.kind === 'index' ? readers.slice(selector.index, selector.index + 1)
    : readers.filter((r) => selector.pattern.test(r));
  if (found.length > 0) return found;
  const wanted = selector.kind === 'name' ? `"${selector.name}"` : selector.kind === 'index' ? `number ${selector.index}` : String(selector.pattern);
  throw new HarnessError(HarnessCodes.UNKNOWN_READER, `no reader ${wanted} (readers: ${readers.map((r, i) => `${i}: "${r}"`).join(', ') || 'none'})`);
}

/** `${env:NAME}` and `${file:PATH}` of a configured secret. */
export function resolveSecret(reference: string, env: Readonly<Record<string, string | undefined>> = process.env): string {
  const match = SECRET_REFERENCE.exec(reference.trim());
  if (!match) {
    throw new HarnessError(HarnessCodes.BAD_CONFIG, 'a PIN in the hardware configuration must be ${env:NAME} or ${file:PATH}, never the value itself');
  }
  const [, kind, name] = match as unknown as [string, 'env' | 'file', string];
  if (kind === 'env') {
    const value = env[name];
    if (value === undefined) throw new HarnessError(HarnessCodes.UNDEFINED_VARIABLE, `environment variable ${name} is not set (a PIN of the hardware configuration)`);
    return value;
  }
  try {
    return readFileSync(name, 'utf8').replace(/\r?\n$/, '');
  } catch (error) {
    throw new HarnessError(HarnessCodes.UNDEFINED_VARIABLE, `cannot read the PIN file ${name}: ${(error as Error).message}`, { cause: error });
  }
}

export function loadHardwareConfig(file: string): HardwareConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new HarnessError(HarnessCodes.BAD_CONFIG, `cannot read the hardware configuration ${file}: ${(error as Error).message} (give one with --config FILE)`, { cause: error });
  }
  return parseHardwareConfig(text, file);
}

export function parseHardwareConfig(text: string, file: string): HardwareConfig {
  const lines = new LineCounter();
  const doc = parseDocument(text, { schema: 'failsafe', lineCounter: lines });
  const lineOf = (node: Node | null | undefined): number | undefined =>
    node?.range ? lines.linePos(node.range[0]).line : undefined;
  if (doc.errors[0]) throw new ConfigError(file, doc.errors[0].linePos?.[0].line, '(file)', `not valid YAML: ${doc.errors[0].message.split('\n')[0]}`);
  const root = doc.contents;
  // A file of comments only (as `cardspec init` writes it) means the defaults.
  if (root === null) return defaultHardwareConfig();
  if (!isMap(root)) throw new ConfigError(file, undefined, '(file)', 'expected a mapping with reader, cardTimeoutMs, cardPin, pkcs11');

  const known = new Set(['reader', 'cardTimeoutMs', 'cardPin', 'pkcs11']);
  for (const item of root.items) {
    const key = isScalar(item.key) ? String(item.key.value) : '?';
    if (!known.has(key)) throw new ConfigError(file, lineOf(item.key as Node), key, `unknown field (fields: ${[...known].join(', ')})`);
  }
  const scalar = (node: unknown, field: string, holder: Node): string => {
    if (!isScalar(node) || String(node.value ?? '') === '') throw new ConfigError(file, lineOf((node as Node) ?? holder), field, 'expected a value');
    return String(node.value);
  };
  const secretReference = (value: string, field: string, node: unknown): string => {
    if (!SECRET_REFERENCE.test(value.trim())) {
      throw new ConfigError(file, lineOf(node as Node), field, 'write ${env:NAME} or ${file:PATH}: PINs never stand in the configuration');
    }
    return value;
  };

  const readerNode = root.get('reader', true);
  const reader = readerNode === undefined ? undefined : parseReaderSelector(scalar(readerNode, 'reader', root));
  const timeoutNode = root.get('cardTimeoutMs', true);
  let cardTimeoutMs = DEFAULT_CARD_TIMEOUT_MS;
  if (timeoutNode !== undefined) {
    const value = scalar(timeoutNode, 'cardTimeoutMs', root);
    if (!/^\d+$/.test(value)) throw new ConfigError(file, lineOf(timeoutNode as Node), 'cardTimeoutMs', `expected milliseconds, got "${value}"`);
    cardTimeoutMs = Number(value);
  }
  const cardPinNode = root.get('cardPin', true);
  const cardPin = cardPinNode === undefined ? DEFAULT_CARD_PIN : secretReference(scalar(cardPinNode, 'cardPin', root), 'cardPin', cardPinNode);

  let pkcs11: HardwareConfig['pkcs11'];
  const p11 = root.get('pkcs11', true);
  if (p11 !== undefined) {
    if (!isMap(p11)) throw new ConfigError(file, lineOf(p11 as Node), 'pkcs11', 'expected a mapping with module and tokens');
    const module = scalar(p11.get('module', true), 'pkcs11.module', p11);
    const tokensNode = p11.get('tokens', true);
    const tokens: TokenConfig[] = [];
    if (tokensNode !== undefined) {
      if (!isSeq(tokensNode)) throw new ConfigError(file, lineOf(tokensNode as Node), 'pkcs11.tokens', 'expected a list of {label, userPin, soPin}');
      tokensNode.items.forEach((item, i) => {
        const field = `pkcs11.tokens[${i}]`;
        if (!isMap(item)) throw new ConfigError(file, lineOf(item as Node), field, 'expected {label, userPin, soPin}');
        const label = scalar(item.get('label', true), `${field}.label`, item);
        const userNode = item.get('userPin', true);
        const userPin = userNode === undefined ? DEFAULT_TOKEN_PIN : secretReference(scalar(userNode, `${field}.userPin`, item), `${field}.userPin`, userNode);
        const soNode = item.get('soPin', true);
        const soPin = soNode === undefined ? undefined : secretReference(scalar(soNode, `${field}.soPin`, item), `${field}.soPin`, soNode);
        const readerNode = item.get('reader', true);
        const tokenReader = readerNode === undefined ? undefined : scalar(readerNode, `${field}.reader`, item);
        tokens.push({ label, userPin, soPin, ...(tokenReader !== undefined ? { reader: tokenReader } : {}) });
      });
    }
    pkcs11 = { module, tokens };
  }
  return { reader, cardTimeoutMs, cardPin, pkcs11 };
}
