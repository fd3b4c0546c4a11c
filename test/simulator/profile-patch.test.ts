import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadProfile } from '../../core/profile/load.js';
import type { ProfileDf, ProfileEf, ProfileFile } from '../../core/profile/types.js';

const dir = mkdtempSync(join(tmpdir(), 'cardspec-patch-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

const child = (files: ProfileDf, fid: number): ProfileFile | undefined => files.files.find((f) => f.fid === fid);
const text = (file: ProfileFile | undefined): string => (file as ProfileEf).content.toString();

describe('patch-files in a profile that extends another', () => {
  it('adds files under the MF and inside a DF, changes a file by fid, and keeps the rest of the parent', () => {
    const profile = loadProfile(write('patched.yaml', `extends: iso7816-demo
name: patched
patch-files:
  - fid: 0004
    type: transparent
    content: ascii:one more file
  - fid: 0003
    content: 00 11 22 33
  - path: 7F10/0102
    type: transparent
    content: ascii:inside the app too
`));
    assert.deepEqual(profile.mf.files.map((f) => f.fid), [0x2f00, 0x0001, 0x0002, 0x0003, 0x7f10, 0x0004]);
    assert.equal(text(child(profile.mf, 0x0004)), 'one more file');
    assert.deepEqual([...(child(profile.mf, 0x0003) as ProfileEf).content], [0x00, 0x11, 0x22, 0x33]);
    const app = child(profile.mf, 0x7f10) as ProfileDf;
    assert.equal(text(child(app, 0x0101)), 'inside the app');
    assert.equal(text(child(app, 0x0102)), 'inside the app too');
  });

  it('names the patching file and its line when an added file has a mistake', () => {
    const file = write('bad-content.yaml', 'extends: iso7816-demo\nname: bad\npatch-files:\n  - fid: 0004\n    type: transparent\n    content: zz\n');
    assert.throws(() => loadProfile(file), (e: Error) => e.message.includes(`${file}, line 6`) && /expected hex bytes/.test(e.message));
  });

  it('refuses a path through a DF the parent does not have', () => {
    const file = write('bad-path.yaml', 'extends: iso7816-demo\nname: bad\npatch-files:\n  - path: 7F20/0101\n    content: 00\n');
    assert.throws(() => loadProfile(file), /line 4, patch-files\[0\]\.path: expected a path through DFs of the parent profile \(no DF 7F20 there\), got "7F20\/0101"/);
  });

  it('refuses an entry with both fid and path', () => {
    const file = write('both.yaml', 'extends: iso7816-demo\nname: bad\npatch-files:\n  - fid: 0004\n    path: 0004\n    content: 00\n');
    assert.throws(() => loadProfile(file), /expected either path or fid, not both/);
  });
});
