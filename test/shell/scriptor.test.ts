import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseScript, ScriptError } from '../../src/shell/scriptor.js';

describe('parseScript (scriptor and gscriptor scripts)', () => {
  it('reads hex lines, reset, comments and blank lines, with their line numbers', () => {
    const items = parseScript('# select the MF\n00 A4 00 0C 02 3F 00\n\nreset\n00B0000000\n', 's.txt');
    assert.deepEqual(items, [
      { kind: 'comment', text: 'select the MF', line: 1 },
      { kind: 'apdu', hex: '00 A4 00 0C 02 3F 00', line: 2 },
      { kind: 'reset', line: 4 },
      { kind: 'apdu', hex: '00B0000000', line: 5 },
    ]);
  });

  it('stops at exit, as scriptor does', () => {
    assert.deepEqual(parseScript('00 B0 00 00 00\nexit\n00 FF FF FF FF\n', 's.txt').length, 1);
  });

  it('joins a command continued with a backslash', () => {
    assert.deepEqual(parseScript('00 A4 04 00 09 \\\n  F0 43 41 52 44 53 50 45 43\n', 's.txt'), [
      { kind: 'apdu', hex: '00 A4 04 00 09 F0 43 41 52 44 53 50 45 43', line: 1 },
    ]);
  });

  it('names the file, line and column of bad hex before anything is sent', () => {
    assert.throws(() => parseScript('00 A4 00 0C\n00 B0 0G 00\n', 'my.script'), (error: unknown) => {
      assert.ok(error instanceof ScriptError);
      assert.equal(error.code, 'CARDSPEC_BAD_HEX');
      assert.equal(error.message, `my.script, line 2: bad hex "00 B0 0G 00": 'G' at column 8`);
      return true;
    });
    assert.throws(() => parseScript('00 A4 \\', 'c.script'), /c\.script, line 1: the last command ends with "\\" and never goes on/);
  });
});
