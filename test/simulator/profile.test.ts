import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { HarnessCodes, HarnessError } from '../../core/errors.js';
import { checkAtr } from '../../core/profile/validate.js';
import { listProfiles, loadProfile, profilesDir } from '../../core/profile/load.js';
import type { ProfileDf, ProfileEf } from '../../core/profile/types.js';
import { packageRoot } from '../../core/paths.js';

const dir = mkdtempSync(join(tmpdir(), 'cardspec-profile-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const GOOD = `name: test-card
description: a card for tests
atr: 3B 88 01 43 41 52 44 53 50 45 43 98
protocol: T=1
pins:
  - reference: 01
    value: ascii:1234
    minLength: 4
    maxLength: 8
    tries: 3
files:
  - fid: 0001
    type: transparent
    content: "ascii:hi\\n"
  - fid: 0002
    type: linear-variable
    sfi: 02
    records:
      - 01 02
      - ascii:two
  - fid: 0003
    type: transparent
    access:
      read: pin 01
`;

function write(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** Loads `text` as a profile and returns the message of the ProfileError it must throw. */
function mistake(text: string, name = 'bad.yaml'): string {
  const file = write(name, text);
  try {
    loadProfile(file);
  } catch (err) {
    assert.ok(err instanceof HarnessError, `not a HarnessError: ${String(err)}`);
    assert.equal(err.code, HarnessCodes.BAD_PROFILE);
    assert.ok(err.message.includes(name), `the message names the file: ${err.message}`);
    return err.message;
  }
  return assert.fail('the profile loaded');
}

const ROOT_FIXTURES = join(packageRoot(), 'test', 'fixtures');

describe('profiles shipped', () => {
  it('lists iso7816-demo and iso7816-t0 in simulator/profiles', () => {
    assert.ok(profilesDir().endsWith(join('simulator', 'profiles')));
    const names = listProfiles();
    assert.ok(names.includes('iso7816-demo') && names.includes('iso7816-t0'), names.join(', '));
  });

  it('loads the demo card as docs/demo-cards.md describes it', () => {
    const p = loadProfile('iso7816-demo');
    assert.equal(p.name, 'iso7816-demo');
    assert.equal(p.protocol, 'T=1');
    assert.equal(p.atr.toString('hex').toUpperCase(), '3B8801434152445350454398');
    assert.deepEqual(p.mf.files.map((f) => f.fid.toString(16).padStart(4, '0')), ['2f00', '0001', '0002', '0003', '7f10']);
    const dir = p.mf.files[0] as ProfileEf;
    assert.equal(dir.sfi, 0x1e);
    assert.deepEqual(dir.records.map((r) => r.toString('hex').toUpperCase()), ['61154F09F04341524453504543500864656D6F2D617070']);
    const app = p.mf.files[4] as ProfileDf;
    assert.equal((app.files[0] as ProfileEf).fid, 0x0101, 'fid 0101 keeps its leading zero');
    assert.deepEqual(p.pins[0]?.puk, { value: Buffer.from('12345678'), tries: 10 });
    assert.equal((p.mf.files[1] as ProfileEf).content.toString(), 'Hello World!\n');
  });

  it('the T=0 card extends the demo card', () => {
    const p = loadProfile('iso7816-t0');
    assert.equal(p.name, 'iso7816-t0');
    assert.equal(p.protocol, 'T=0');
    assert.equal(p.mf.files.length, 5);
    assert.equal(p.pins.length, 1);
  });

  it('loads a profile by path', () => {
    const p = loadProfile(write('good.yaml', GOOD));
    assert.equal(p.name, 'test-card');
    assert.equal((p.mf.files[0] as ProfileEf).content.toString(), 'hi\n');
    assert.deepEqual((p.mf.files[1] as ProfileEf).records.map((r) => r.toString('hex')), ['0102', '74776f']);
    assert.deepEqual((p.mf.files[2] as ProfileEf).read, { kind: 'pin', reference: 1 });
  });

  it('checks ATRs: structure and TCK', () => {
    assert.deepEqual([...(checkAtr(Buffer.from('3B8801434152445350454398', 'hex')) as { protocols: number[] }).protocols], [1]);
    assert.deepEqual([...(checkAtr(Buffer.from('3B084341524453504543', 'hex')) as { protocols: number[] }).protocols], [0]);
    assert.match(checkAtr(Buffer.from('3B8801434152445350454399', 'hex')) as string, /TCK should be 98/);
    assert.match(checkAtr(Buffer.from('3B0843415244', 'hex')) as string, /historical/);
    assert.match(checkAtr(Buffer.from('3C00', 'hex')) as string, /TS/);
  });
});

describe('profile mistakes', () => {
  it('an unknown name lists the available profiles', () => {
    assert.throws(() => loadProfile('no-such-card'), (err: Error) => {
      assert.ok(err instanceof HarnessError && err.code === HarnessCodes.BAD_PROFILE);
      assert.match(err.message, /no-such-card/);
      assert.match(err.message, /available: .*iso7816-demo.*iso7816-t0/);
      return true;
    });
  });

  it('a bad record names the file, the field path, the line and what was expected', () => {
    const msg = mistake(GOOD.replace('      - ascii:two', '      - zz'));
    assert.match(msg, /files\[1\]\.records\[1\]/);
    assert.match(msg, /line 20\b/);
    assert.match(msg, /expected hex bytes \(e\.g\. "3F 00"\) or ascii:text/);
    assert.match(msg, /got "zz"/);
  });

  it('a bad SFI, fid or type names its field', () => {
    assert.match(mistake(GOOD.replace('sfi: 02', 'sfi: 1F')), /files\[1\]\.sfi.*expected a short file id from 01 to 1E/);
    assert.match(mistake(GOOD.replace('fid: 0002', 'fid: 02G2')), /line 15, files\[1\]\.fid: expected a file id: 4 hex digits/);
    assert.match(mistake(GOOD.replace('fid: 0002', 'fid: 0001')), /files\[1\]\.fid: expected a file id no sibling has/);
    assert.match(mistake(GOOD.replace('type: linear-variable', 'type: cyclic')), /files\[1\]\.type: expected one of transparent, linear-variable, df, got "cyclic"/);
  });

  it('an unknown or misplaced field is named', () => {
    assert.match(mistake(GOOD.replace('    sfi: 02', '    sfy: 02')), /files\[1\]\.sfy: expected one of the fields fid, type/);
    assert.match(mistake(GOOD.replace('    content: "ascii:hi\\n"', '    records: [ 01 ]')), /files\[0\]\.records: expected only the fields .* on a file of type transparent/);
    assert.match(mistake(`${GOOD}colour: red\n`), /line 25, colour: expected one of the fields name, description/);
  });

  it('a missing field is named with the line of its mapping', () => {
    assert.match(mistake(GOOD.replace('atr: 3B 88 01 43 41 52 44 53 50 45 43 98\n', '')), /atr: expected a value for the field "atr", got nothing/);
    assert.match(mistake(GOOD.replace('    tries: 3\n', '')), /line 6, pins\[0\]\.tries: expected a value/);
  });

  it('ATR and protocol are checked', () => {
    assert.match(mistake(GOOD.replace('45 43 98', '45 43 99')), /line 3, atr: expected a well-formed ATR \(TCK is 99.*should be 98\)/);
    assert.match(mistake(GOOD.replace('protocol: T=1', 'protocol: T=0')), /line 4, protocol: expected a protocol the ATR offers \(T=1\)/);
    assert.match(mistake(GOOD.replace('protocol: T=1', 'protocol: T=2')), /protocol: expected one of T=0, T=1/);
  });

  it('PIN fields are checked', () => {
    assert.match(mistake(GOOD.replace('value: ascii:1234', 'value: ascii:12')), /pins\[0\]\.value: expected a value of 4 to 8 bytes/);
    assert.match(mistake(GOOD.replace('tries: 3', 'tries: 16')), /pins\[0\]\.tries: expected a whole number from 1 to 15, got "16"/);
    assert.match(mistake(GOOD.replace('read: pin 01', 'read: pin 02')), /files\[2\]\.access\.read: expected a PIN reference listed under pins \(01\)/);
    assert.match(mistake(GOOD.replace('read: pin 01', 'read: sometimes')), /files\[2\]\.access\.read: expected always, never or pin/);
    assert.match(mistake(GOOD.replace('tries: 3', 'tries: 3\n    triesQueryAnswer: 63C2')), /pins\[0\]\.triesQueryAnswer: expected a status word from 6000 to 6FFF that is not a tries count/);
    assert.match(mistake(GOOD.replace('tries: 3', 'tries: 3\n    triesQueryAnswer: 6A8')), /pins\[0\]\.triesQueryAnswer: expected a status word from 6000/);
    assert.match(mistake(GOOD.replace('tries: 3', 'tries: 3\n    triesQueryAnswer: 9000')), /pins\[0\]\.triesQueryAnswer: expected a status word from 6000 to 6FFF/);
  });

  it('a PIN may answer its tries query with a fixed status word', () => {
    const profile = loadProfile(join(ROOT_FIXTURES, 'no-tries-query.yaml'));
    assert.equal(profile.pins[0]!.triesQueryAnswer, 0x6a86);
    assert.equal(loadProfile('iso7816-demo').pins[0]!.triesQueryAnswer, undefined);
  });

  it('YAML syntax errors give the line', () => {
    assert.match(mistake(GOOD.replace('  - fid: 0002', '  - fid: [0002')), /line \d+: not valid YAML/);
  });

  it('extends: the child overrides top-level fields and its mistakes name the child file', () => {
    write('base.yaml', GOOD);
    const p = loadProfile(write('child.yaml', 'name: child\nextends: base\natr: 3B 02 41 42\nprotocol: T=0\n'));
    assert.equal(p.name, 'child');
    assert.equal(p.protocol, 'T=0');
    assert.equal(p.mf.files.length, 3);
    assert.match(mistake('name: child2\nextends: base\natr: 3B 02 41\nprotocol: T=0\n', 'child2.yaml'), /child2\.yaml, line 3, atr/);
    assert.match(mistake('name: child3\nextends: nothere\n', 'child3.yaml'), /child3\.yaml, line 2, extends: expected a profile next to this one/);
    write('loop-a.yaml', 'name: a\nextends: loop-b\n');
    assert.throws(() => loadProfile(write('loop-b.yaml', 'name: b\nextends: loop-a\n')), /loop-a\.yaml, line 2, extends: expected a profile that does not extend this one again/);
  });

  it('extends: a bare name finds a .yml profile next to the child, as a name given to loadProfile does', () => {
    write('base-yml.yml', GOOD);
    const p = loadProfile(write('child-of-yml.yaml', 'name: child-of-yml\nextends: base-yml\n'));
    assert.equal(p.name, 'child-of-yml');
    assert.equal(p.mf.files.length, 3);
  });
});
