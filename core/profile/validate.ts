/**
 * Turns the YAML of a profile into a CardProfile, checking every field. The schema, by
 * example (simulator/profiles/iso7816-demo.yaml is the full one):
 *
 *   name: my-card                      # required
 *   description: text                  # optional
 *   extends: iso7816-demo              # optional: take every top-level field not given here from that profile
 *   patch-files:                       # optional: add files to the tree, or change those with the fid/path
 *     - path: 7F10/0102                # (or fid: 0004 for a child of the MF)
 *       type: transparent
 *       content: ascii:added
 *   atr: 3B 88 01 43 41 52 44 53 50 45 43 98   # hex; checked (structure, TCK)
 *   protocol: T=1                      # T=0 or T=1; the ATR must offer it
 *   pins:
 *     - reference: 01                  # hex, P2 of VERIFY
 *       value: ascii:1234              # hex or ascii:
 *       minLength: 4                   # bytes, decimal
 *       maxLength: 8
 *       tries: 3                       # 1..15
 *       puk: { value: ascii:12345678, tries: 10 }   # optional
 *       triesQueryAnswer: 6A86         # optional: the SW VERIFY without data answers instead of 63Cx
 *   files:                             # the MF's (3F00) children
 *     - fid: 2F00                      # 4 hex digits
 *       type: linear-variable          # transparent | linear-variable | df
 *       sfi: 1E                        # optional, hex 01..1E
 *       records: applications          # or a list of byte values; `applications` = EF.DIR,
 *                                      # one record 61{4F aid, 50 label} per DF with an aid
 *     - fid: 0001
 *       type: transparent
 *       content: "ascii:Hello World!\n"
 *       access: { read: pin 01 }       # always (default) | never | pin <reference>
 *     - fid: 7F10
 *       type: df
 *       aid: F0 43 41 52 44 53 50 45 43
 *       label: demo-app
 *       files: [ ... ]
 *   applets:                           # optional: applets selected by AID (docs/applets.md)
 *     - type: piv                      # a registered applet type; its other fields are its own
 *   extensions:                        # optional: extra instructions (docs/applets.md)
 *     - type: my-commands
 *   module: ./my-card.ts               # optional: a card module of the user's project, relative
 *                                      # to the file that names it (docs/using-cardspec.md)
 */
import { atrOffersProtocol, parseAtr, type Atr } from '../apdu/atr.js';
import { hexByte } from '../apdu/hex.js';
import { HarnessError } from '../errors.js';
import { Cursor } from './cursor.js';
import { dirname, resolve } from 'node:path';
import type { AccessRule, CardProfile, EfType, ProfileDf, ProfileEf, ProfileFile, ProfileModule, ProfilePart, ProfilePin, Protocol } from './types.js';
import { MF_FID } from './types.js';
import { bytes, hexNumber, integer, oneOf } from './values.js';

export const TOP_FIELDS = ['name', 'description', 'extends', 'atr', 'protocol', 'pins', 'files', 'patch-files', 'applets', 'extensions', 'module'] as const;
const PIN_FIELDS = ['reference', 'label', 'value', 'minLength', 'maxLength', 'tries', 'puk', 'triesQueryAnswer'] as const;
const PUK_FIELDS = ['value', 'tries'] as const;
const FILE_FIELDS = ['fid', 'type', 'label', 'sfi', 'content', 'records', 'access', 'aid', 'files'] as const;
const FIELDS_BY_TYPE: Record<EfType | 'df', readonly string[]> = {
  df: ['fid', 'type', 'label', 'aid', 'files'],
  transparent: ['fid', 'type', 'label', 'sfi', 'content', 'access'],
  'linear-variable': ['fid', 'type', 'label', 'sfi', 'records', 'access'],
};
const FILE_TYPES = ['transparent', 'linear-variable', 'df'] as const;
/** READ BINARY offsets have 15 bits. */
const MAX_TRANSPARENT_SIZE = 0x7fff;
/** A record's length must fit READ RECORD's one-byte Le. */
const MAX_RECORD_LENGTH = 255;
/** The `records:` value that makes an EF.DIR. */
export const APPLICATIONS = 'applications';

type Fields = Map<string, Cursor>;

function required(fields: Fields, holder: Cursor, key: string): Cursor {
  const c = Cursor.field(fields, holder, key);
  if (!c.present) c.fail(`a value for the field "${key}"`, 'nothing');
  return c;
}

function optional(fields: Fields, key: string): Cursor | undefined {
  const c = fields.get(key);
  return c !== undefined && c.present ? c : undefined;
}

function pins(list: Cursor | undefined): ProfilePin[] {
  if (list === undefined) return [];
  const out: ProfilePin[] = [];
  for (const item of list.items('a list of PINs')) {
    const f = item.fields(PIN_FIELDS, 'a PIN: a mapping with reference, value, minLength, maxLength, tries');
    const refCursor = required(f, item, 'reference');
    const reference = hexNumber(refCursor, 2, 'a PIN reference: one byte in hex, e.g. 01');
    if (out.some((p) => p.reference === reference)) refCursor.fail('a reference no other PIN has');
    const minLength = integer(required(f, item, 'minLength'), 1, 255);
    const maxLength = integer(required(f, item, 'maxLength'), minLength, 255);
    const valueCursor = required(f, item, 'value');
    const value = bytes(valueCursor);
    if (value.length < minLength || value.length > maxLength) {
      valueCursor.fail(`a value of ${minLength} to ${maxLength} bytes (minLength..maxLength)`, `${value.length} bytes`);
    }
    const tries = integer(required(f, item, 'tries'), 1, 15);
    const pukCursor = optional(f, 'puk');
    let puk: ProfilePin['puk'];
    if (pukCursor !== undefined) {
      const pf = pukCursor.fields(PUK_FIELDS, 'a PUK: a mapping with value and tries');
      const pukValue = bytes(required(pf, pukCursor, 'value'));
      if (pukValue.length === 0) Cursor.field(pf, pukCursor, 'value').fail('a PUK of at least 1 byte', 'none');
      puk = { value: pukValue, tries: integer(required(pf, pukCursor, 'tries'), 1, 15) };
    }
    const queryCursor = optional(f, 'triesQueryAnswer');
    const triesQueryAnswer = queryCursor === undefined ? undefined : hexNumber(queryCursor, 4, 'a status word in hex, e.g. 6A86');
    if (queryCursor !== undefined && (triesQueryAnswer! < 0x6000 || triesQueryAnswer! > 0x6fff || (triesQueryAnswer! & 0xfff0) === 0x63c0)) {
      queryCursor.fail('a status word from 6000 to 6FFF that is not a tries count (63Cx), e.g. 6A86');
    }
    out.push({ reference, value, minLength, maxLength, tries, puk, triesQueryAnswer });
  }
  return out;
}

/** `applets:` / `extensions:`: a list of mappings, each with a `type`; the type checks the rest. */
function parts(list: Cursor | undefined, what: string): ProfilePart[] {
  if (list === undefined) return [];
  return list.items(`a list of ${what}s, each a mapping with a type`).map((entry) => {
    const typeCursor = Cursor.field(typeField(entry, what), entry, 'type');
    if (!typeCursor.present) typeCursor.fail(`the ${what}'s type, e.g. "type: piv"`, 'nothing');
    return { type: typeCursor.text(`the ${what}'s type`), typeCursor, entry };
  });
}

/** The fields of an entry, every key allowed (its type checks them), to find `type`. */
function typeField(entry: Cursor, what: string): Map<string, Cursor> {
  if (!entry.isMap()) entry.fail(`an ${what}: a mapping with a type`);
  return entry.fields(entry.keys(), `an ${what}`);
}

function access(c: Cursor | undefined, pinRefs: ReadonlySet<number>): AccessRule {
  if (c === undefined) return { kind: 'always' };
  const f = c.fields(['read'], 'access conditions: a mapping like { read: pin 01 }');
  const read: Cursor | undefined = f.get('read');
  if (read === undefined || !read.present) return { kind: 'always' };
  const what = 'always, never or pin <reference> (e.g. pin 01)';
  const text = read.text(what).trim();
  if (text === 'always') return { kind: 'always' };
  if (text === 'never') return { kind: 'never' };
  const m = /^pin\s+([0-9a-fA-F]{1,2})$/.exec(text);
  if (m === null) return read.fail(what);
  const reference = parseInt(m[1]!, 16);
  if (!pinRefs.has(reference)) read.fail(`a PIN reference listed under pins (${[...pinRefs].map((r) => r.toString(16).padStart(2, '0')).join(', ') || 'none'})`);
  return { kind: 'pin', reference };
}

/** A file entry; EF.DIR records are left empty here and filled once the whole tree is known. */
function file(item: Cursor, pinRefs: ReadonlySet<number>, dirs: Map<ProfileFile, Cursor>): ProfileFile {
  const f = item.fields(FILE_FIELDS, 'a file: a mapping with fid and type');
  const type = oneOf(required(f, item, 'type'), FILE_TYPES);
  for (const [key, c] of f) {
    if (!FIELDS_BY_TYPE[type].includes(key)) c.fail(`only the fields ${FIELDS_BY_TYPE[type].join(', ')} on a file of type ${type}`, `"${key}"`);
  }
  const fidCursor = required(f, item, 'fid');
  const fid = hexNumber(fidCursor, 4, 'a file id: 4 hex digits, e.g. 0001');
  if (fid === MF_FID || fid === 0xffff || fid === 0x3fff) fidCursor.fail('a file id other than 3F00, 3FFF and FFFF (reserved)');
  const labelCursor = optional(f, 'label');
  const label = labelCursor?.text('a label (text)');

  if (type === 'df') {
    const aidCursor = optional(f, 'aid');
    const aid = aidCursor === undefined ? undefined : bytes(aidCursor, 'an AID: 5 to 16 bytes in hex');
    if (aid !== undefined && (aid.length < 5 || aid.length > 16)) aidCursor!.fail('an AID of 5 to 16 bytes', `${aid.length} bytes`);
    const children = optional(f, 'files');
    return { kind: 'df', fid, aid, label, files: children === undefined ? [] : fileList(children, pinRefs, dirs) };
  }

  const sfiCursor = optional(f, 'sfi');
  const sfi = sfiCursor === undefined ? undefined : hexNumber(sfiCursor, 2, 'a short file id: hex 01 to 1E');
  if (sfi !== undefined && (sfi < 1 || sfi > 30)) sfiCursor!.fail('a short file id from 01 to 1E (hex)');
  const read = access(optional(f, 'access'), pinRefs);
  const ef = { kind: 'ef' as const, fid, sfi, type, label, read, content: Buffer.alloc(0), records: [] as Buffer[] } satisfies ProfileEf as ProfileEf;

  if (type === 'transparent') {
    const content = optional(f, 'content');
    if (content !== undefined) ef.content = bytes(content);
    if (ef.content.length > MAX_TRANSPARENT_SIZE) content!.fail(`at most ${MAX_TRANSPARENT_SIZE} bytes`, `${ef.content.length} bytes`);
    return ef;
  }
  const records = optional(f, 'records');
  if (records === undefined) return ef;
  if (!records.isList()) {
    if (records.text(`a list of records or "${APPLICATIONS}"`) !== APPLICATIONS) records.fail(`a list of records or "${APPLICATIONS}"`);
    dirs.set(ef, records);
    return ef;
  }
  for (const r of records.items('a list of records')) {
    const record = bytes(r);
    if (record.length < 1 || record.length > MAX_RECORD_LENGTH) r.fail(`a record of 1 to ${MAX_RECORD_LENGTH} bytes`, `${record.length} bytes`);
    ef.records.push(record);
  }
  return ef;
}

function fileList(list: Cursor, pinRefs: ReadonlySet<number>, dirs: Map<ProfileFile, Cursor>): ProfileFile[] {
  const out: ProfileFile[] = [];
  for (const item of list.items('a list of files')) {
    const f = file(item, pinRefs, dirs);
    const fields = item.fields(FILE_FIELDS, 'a file');
    if (out.some((o) => o.fid === f.fid)) Cursor.field(fields, item, 'fid').fail('a file id no sibling has');
    if (f.kind === 'ef' && f.sfi !== undefined && out.some((o) => o.kind === 'ef' && o.sfi === f.sfi)) {
      Cursor.field(fields, item, 'sfi').fail('a short file id no sibling has');
    }
    out.push(f);
  }
  return out;
}

function* dfs(df: ProfileDf): Generator<ProfileDf> {
  yield df;
  for (const c of df.files) if (c.kind === 'df') yield* dfs(c);
}

function berLength(n: number): number[] {
  return n < 0x80 ? [n] : [0x81, n];
}

/** EF.DIR record of an application (ISO 7816-4 8.2.1.1): 61 { 4F AID, 50 label }. */
export function applicationRecord(aid: Buffer, label: string | undefined): Buffer {
  const inner = [Buffer.from([0x4f, aid.length]), aid];
  if (label !== undefined) {
    const l = Buffer.from(label, 'latin1');
    inner.push(Buffer.from([0x50, ...berLength(l.length)]), l);
  }
  const body = Buffer.concat(inner);
  return Buffer.concat([Buffer.from([0x61, ...berLength(body.length)]), body]);
}

/**
 * The ATR parsed, or why pcscd would refuse it: a structure error, or a wrong TCK (which
 * parseAtr reports but accepts, since a reader shows such cards too).
 */
export function checkAtr(atr: Buffer): Atr | string {
  let info: Atr;
  try {
    info = parseAtr(atr);
  } catch (err) {
    if (err instanceof HarnessError) return err.message.replace(/^bad ATR "[^"]*": /, '');
    throw err;
  }
  if (info.tckValid === false) {
    const right = info.tck! ^ atr.subarray(1).reduce((x, b) => x ^ b, 0);
    return `TCK is ${hexByte(info.tck!)}, the XOR of T0..TCK must be 0, so TCK should be ${hexByte(right)}`;
  }
  return info;
}

/** Validates the (merged) top-level fields. `top` is where a missing field is reported. */
export function validateProfile(fields: Fields, top: Cursor): CardProfile {
  const nameCursor = required(fields, top, 'name');
  const name = nameCursor.text('a profile name');
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) nameCursor.fail('a name of letters, digits, ".", "_" and "-"');
  const description = optional(fields, 'description')?.text('a description (text)') ?? '';

  const atrCursor: Cursor = required(fields, top, 'atr');
  const atr = bytes(atrCursor, 'an ATR in hex, e.g. 3B 88 01 43 41 52 44 53 50 45 43 98');
  const info = checkAtr(atr);
  if (typeof info === 'string') return atrCursor.fail(`a well-formed ATR (${info})`, `"${atrCursor.text('')}"`);
  const protocolCursor: Cursor = required(fields, top, 'protocol');
  const protocol: Protocol = oneOf(protocolCursor, ['T=0', 'T=1'] as const);
  if (!atrOffersProtocol(info, protocol === 'T=0' ? 0 : 1)) {
    const offered = info.protocols.map((p) => `T=${p}`).join(', ');
    protocolCursor.fail(`a protocol the ATR offers (${offered})`);
  }

  const pinList = pins(optional(fields, 'pins'));
  const pinRefs = new Set(pinList.map((p) => p.reference));
  const dirs = new Map<ProfileFile, Cursor>();
  const filesCursor = required(fields, top, 'files');
  const mf: ProfileDf = { kind: 'df', fid: MF_FID, aid: undefined, label: 'MF', files: fileList(filesCursor, pinRefs, dirs) };

  const seen = new Map<string, ProfileDf>();
  for (const df of dfs(mf)) {
    if (df.aid === undefined) continue;
    const key = df.aid.toString('hex');
    if (seen.has(key)) filesCursor.fail(`AIDs that differ (DF ${df.fid.toString(16).padStart(4, '0')} repeats one)`, 'a repeated AID');
    seen.set(key, df);
  }
  for (const [ef, cursor] of dirs) {
    if (ef.kind !== 'ef') continue;
    for (const df of dfs(mf)) {
      if (df.aid === undefined) continue;
      const record = applicationRecord(df.aid, df.label);
      if (record.length > MAX_RECORD_LENGTH) cursor.fail(`application records of at most ${MAX_RECORD_LENGTH} bytes (shorten the labels)`);
      ef.records.push(record);
    }
  }
  const applets = parts(optional(fields, 'applets'), 'applet');
  const extensions = parts(optional(fields, 'extensions'), 'extension');
  const moduleCursor = optional(fields, 'module');
  const module = moduleCursor === undefined ? undefined : cardModule(moduleCursor);
  return { name, description, source: top.source.file, atr, protocol, pins: pinList, mf, applets, extensions, module };
}

/** `module:`: a file next to the profile that names it (with `extends`, maybe a parent's). */
function cardModule(cursor: Cursor): ProfileModule {
  const path = cursor.text('the path of a card module (.ts, .js or .mjs), relative to this profile');
  if (!/\.(ts|mts|js|mjs)$/.test(path)) cursor.fail('a .ts, .mts, .js or .mjs file', `"${path}"`);
  return { file: resolve(dirname(resolve(cursor.source.file)), path), cursor };
}
