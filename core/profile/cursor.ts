/**
 * A position in a profile's YAML: the file, the field path (`files[2].records[1]`) and
 * the node, whose offset gives the line. Every validation failure goes through `fail`,
 * so every message names the file, the field, the line and what was expected.
 */
import { didYouMean } from '../text/nearest.js';
import { type Document, LineCounter, type Node, isAlias, isMap, isPair, isScalar, isSeq, parseDocument } from 'yaml';
import { HarnessCodes, HarnessError } from '../errors.js';

export class ProfileError extends HarnessError {
  readonly file: string;
  readonly field: string | undefined;
  readonly line: number | undefined;

  constructor(file: string, field: string | undefined, line: number | undefined, message: string) {
    const where = [file, line === undefined ? undefined : `line ${line}`, field].filter((s) => s !== undefined).join(', ');
    super(HarnessCodes.BAD_PROFILE, `bad card profile ${where}: ${message}`);
    this.file = file;
    this.field = field;
    this.line = line;
  }
}

/** Nodes moved into another file's tree (patch-files), and the file they were written in. */
const movedNodes = new WeakMap<object, ProfileSource>();

/** A parsed YAML file; scalars stay strings (failsafe schema), so `fid: 0101` keeps its zero. */
export class ProfileSource {
  readonly file: string;
  readonly doc: Document;
  private readonly lines: LineCounter;

  constructor(file: string, text: string) {
    this.file = file;
    this.lines = new LineCounter();
    this.doc = parseDocument(text, { schema: 'failsafe', lineCounter: this.lines, uniqueKeys: true });
    const first = this.doc.errors[0];
    if (first !== undefined) {
      const line = first.linePos?.[0].line;
      throw new ProfileError(file, undefined, line, `not valid YAML: ${first.message.split('\n')[0]}`);
    }
  }

  lineOf(node: Node | null | undefined): number | undefined {
    const offset = node?.range?.[0];
    return offset === undefined ? undefined : this.lines.linePos(offset).line;
  }

  root(): Cursor {
    return new Cursor(this, '', this.doc.contents, undefined);
  }

  /** Marks `node` and all below it as written in this file, wherever the tree puts them. */
  claim(node: unknown): void {
    if (isPair(node)) {
      this.claim(node.key);
      this.claim(node.value);
    } else if (isMap(node) || isSeq(node)) {
      movedNodes.set(node, this);
      for (const item of node.items) this.claim(item);
    } else if (isScalar(node)) {
      movedNodes.set(node, this);
    }
  }
}

function describe(node: Node | null): string {
  if (node === null) return 'nothing';
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) return JSON.stringify(String(node.value ?? ''));
  return 'something else';
}

export class Cursor {
  readonly source: ProfileSource;
  readonly path: string;
  readonly node: Node | null;
  /** Where to point when this field is missing: the mapping that should hold it. */
  private readonly holder: Node | null | undefined;

  constructor(source: ProfileSource, path: string, node: Node | null | undefined, holder: Node | null | undefined) {
    this.source = (node ? movedNodes.get(node) : undefined) ?? source;
    this.path = path;
    this.node = node === undefined || node === null ? null : isAlias(node) ? (node.resolve(source.doc) ?? null) : node;
    this.holder = holder;
  }

  get present(): boolean {
    return this.node !== null && !(isScalar(this.node) && (this.node.value === null || this.node.value === undefined));
  }

  get line(): number | undefined {
    return this.source.lineOf(this.node ?? this.holder);
  }

  fail(expected: string, got: string = describe(this.node)): never {
    throw new ProfileError(this.source.file, this.path || undefined, this.line, `expected ${expected}, got ${got}`);
  }

  /** The fields of a mapping; unknown keys are mistakes (they are usually typos). */
  fields(allowed: readonly string[], what: string): Map<string, Cursor> {
    if (!isMap(this.node)) this.fail(what);
    const out = new Map<string, Cursor>();
    for (const pair of this.node.items) {
      const keyNode = pair.key as Node | null;
      const key = isScalar(keyNode) ? String(keyNode.value) : '';
      const child = new Cursor(this.source, this.path ? `${this.path}.${key}` : key, pair.value as Node | null, this.node);
      if (!allowed.includes(key)) {
        const at = new Cursor(this.source, child.path, keyNode, this.node);
        at.fail(`one of the fields ${allowed.join(', ')}`, `${JSON.stringify(key)}${didYouMean(key, allowed)}`);
      }
      out.set(key, child);
    }
    return out;
  }

  /** A field of `fields`, or a cursor that says "missing" at the holder's line. */
  static field(fields: Map<string, Cursor>, holder: Cursor, key: string): Cursor {
    return fields.get(key) ?? new Cursor(holder.source, holder.path ? `${holder.path}.${key}` : key, null, holder.node);
  }

  items(what: string): Cursor[] {
    if (!isSeq(this.node)) this.fail(what);
    return this.node.items.map((n, i) => new Cursor(this.source, `${this.path}[${i}]`, n as Node | null, this.node));
  }

  text(what: string): string {
    if (!isScalar(this.node)) this.fail(what);
    return String(this.node.value ?? '');
  }

  isList(): boolean {
    return isSeq(this.node);
  }

  isMap(): boolean {
    return isMap(this.node);
  }

  /** The keys of a mapping (none for anything else). */
  keys(): string[] {
    if (!isMap(this.node)) return [];
    return this.node.items.map((pair) => (isScalar(pair.key) ? String(pair.key.value) : ''));
  }
}
