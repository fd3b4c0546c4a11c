/**
 * The card's ISO 7816-4 file system: a tree of DFs and EFs with parent links, built
 * from a profile. Each VirtualCard owns its own copy, so that what one card does to its
 * files never shows in another card made from the same profile.
 */
import type { AccessRule, EfType, ProfileDf, ProfileEf } from '../../core/profile/types.js';
import { MF_FID } from '../../core/profile/types.js';

export class ElementaryFile {
  readonly kind = 'ef';
  readonly fid: number;
  readonly sfi: number | undefined;
  readonly type: EfType;
  readonly parent: DedicatedFile;
  readonly read: AccessRule;
  content: Buffer;
  records: Buffer[];

  constructor(spec: ProfileEf, parent: DedicatedFile) {
    this.fid = spec.fid;
    this.sfi = spec.sfi;
    this.type = spec.type;
    this.parent = parent;
    this.read = spec.read;
    this.content = Buffer.from(spec.content);
    this.records = spec.records.map((r) => Buffer.from(r));
  }

  /** Bytes in the file; for a record EF the sum of its records' lengths (docs/demo-cards.md). */
  get size(): number {
    if (this.type === 'transparent') return this.content.length;
    return this.records.reduce((n, r) => n + r.length, 0);
  }
}

export class DedicatedFile {
  readonly kind = 'df';
  readonly fid: number;
  readonly aid: Buffer | undefined;
  readonly parent: DedicatedFile | undefined;
  readonly children: CardFile[] = [];

  constructor(spec: ProfileDf, parent: DedicatedFile | undefined) {
    this.fid = spec.fid;
    this.aid = spec.aid === undefined ? undefined : Buffer.from(spec.aid);
    this.parent = parent;
    for (const child of spec.files) {
      this.children.push(child.kind === 'df' ? new DedicatedFile(child, this) : new ElementaryFile(child, this));
    }
  }

  child(fid: number): CardFile | undefined {
    return this.children.find((c) => c.fid === fid);
  }

  efBySfi(sfi: number): ElementaryFile | undefined {
    return this.children.find((c): c is ElementaryFile => c.kind === 'ef' && c.sfi === sfi);
  }
}

export type CardFile = ElementaryFile | DedicatedFile;

/** Builds the tree; the profile's root is the MF. */
export function buildFileSystem(mf: ProfileDf): DedicatedFile {
  return new DedicatedFile({ ...mf, fid: MF_FID }, undefined);
}

/** Every DF of the tree, depth first, the MF first. */
export function* allDfs(df: DedicatedFile): Generator<DedicatedFile> {
  yield df;
  for (const c of df.children) if (c.kind === 'df') yield* allDfs(c);
}

/** The DF whose full name is `aid`, wherever it is (SELECT P1 04). A partial name finds nothing. */
export function findByAid(mf: DedicatedFile, aid: Buffer): DedicatedFile | undefined {
  for (const df of allDfs(mf)) if (df.aid !== undefined && df.aid.equals(aid)) return df;
  return undefined;
}

/**
 * SELECT P1 00: among the current DF's children, then its parent, with 3F00 always the
 * MF (docs/demo-cards.md; ISO 7816-4 would also allow the current DF itself).
 */
export function findById(mf: DedicatedFile, current: DedicatedFile, fid: number): CardFile | undefined {
  if (fid === MF_FID) return mf;
  const child = current.child(fid);
  if (child !== undefined) return child;
  if (current.parent !== undefined && current.parent.fid === fid) return current.parent;
  return undefined;
}

/** SELECT P1 08/09: walks a path of file ids from `start`; every step but the last must be a DF. */
export function findByPath(start: DedicatedFile, fids: number[]): CardFile | undefined {
  let file: CardFile = start;
  for (const fid of fids) {
    if (file.kind !== 'df') return undefined;
    const next: CardFile | undefined = file.child(fid);
    if (next === undefined) return undefined;
    file = next;
  }
  return file;
}
