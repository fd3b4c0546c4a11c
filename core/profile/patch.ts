/**
 * `patch-files:` in a profile that extends another: each entry adds a file to the parent's
 * tree or changes the parent's file with that fid (or path), field by field, so that
 * "the demo card with one more file" keeps every file of the demo card. Works on the YAML,
 * before validation, so the merged tree is checked as a whole; each entry's nodes keep
 * their own file and lines for messages (ProfileSource.claim).
 */
import { isMap, isScalar, isSeq, Pair, Scalar, YAMLMap, YAMLSeq, type Node } from 'yaml';
import type { Cursor } from './cursor.js';

/** What an entry may hold: a file's fields, and `path` (`7F10/0102`) for a file inside a DF. */
export const PATCH_FIELDS = ['path', 'fid', 'type', 'label', 'sfi', 'content', 'records', 'access', 'aid', 'files'] as const;

const sameFid = (a: string, b: string): boolean => a.replace(/\s/g, '').toUpperCase() === b.replace(/\s/g, '').toUpperCase();

function fidOf(node: unknown): string | undefined {
  if (!isMap(node)) return undefined;
  const fid = node.get('fid', true);
  return isScalar(fid) ? String(fid.value) : undefined;
}

/** Applies `patches` (the child's `patch-files` list) to `files` (the parent's `files` list), in place. */
export function patchFiles(files: Cursor, patches: Cursor): void {
  if (!isSeq(files.node)) files.fail('a list of files for patch-files to change');
  const root = files.node as YAMLSeq;
  for (const entry of patches.items('a list of files to add or change (fid or path, then the fields)')) {
    const fields = entry.fields(PATCH_FIELDS, 'a mapping of path or fid and the fields of a file');
    const path = fields.get('path');
    const fid = fields.get('fid');
    if (path?.present && fid?.present) path.fail('either path or fid, not both', 'both');
    const ids = path?.present ? path.text('a path of file ids, e.g. 7F10/0101').split('/').map((s) => s.trim()) : fid?.present ? [fid.text('a file id')] : [];
    if (ids.length === 0 || ids.some((id) => id === '')) (path ?? entry).fail('a fid (4 hex digits) or a path of them (7F10/0101)', 'nothing');

    let list = root;
    for (const id of ids.slice(0, -1)) {
      const df: unknown = list.items.find((item) => sameFid(fidOf(item) ?? '', id));
      if (!isMap(df) || String((df.get('type', true) as Scalar | undefined)?.value) !== 'df') {
        return (path ?? entry).fail(`a path through DFs of the parent profile (no DF ${id} there)`, JSON.stringify(ids.join('/')));
      }
      const children: unknown = df.get('files', true);
      if (isSeq(children)) {
        list = children;
      } else {
        list = new YAMLSeq();
        df.set('files', list);
      }
    }
    const last = ids.at(-1)!;
    const given = (entry.node as YAMLMap).items.filter((pair) => !['path', 'fid'].includes(String((pair.key as Scalar).value)));
    const existing = list.items.find((item) => sameFid(fidOf(item) ?? '', last));
    if (isMap(existing)) {
      for (const pair of given) existing.set(pair.key, pair.value);
    } else {
      const added = new YAMLMap();
      added.range = (entry.node as Node).range ?? null;
      entry.source.claim(added);
      added.items.push(new Pair(new Scalar('fid'), fid?.present ? fid.node : new Scalar(last)), ...given);
      list.items.push(added);
    }
  }
}
