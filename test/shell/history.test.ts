import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { appendHistory, historyFile, loadHistory, maskTypedLine } from '../../src/shell/history.js';

describe('maskTypedLine', () => {
  it('masks the PIN of verify unless it is written as ${env:NAME}', () => {
    assert.equal(maskTypedLine('verify 1 1234', []), 'verify 1 ***');
    assert.equal(maskTypedLine('verify 81 ${ascii:1234}', []), 'verify 81 ***');
    assert.equal(maskTypedLine('verify 1 ${env:CARD_PIN}', []), 'verify 1 ${env:CARD_PIN}');
    assert.equal(maskTypedLine('verify 1', []), 'verify 1');
  });

  it('masks the data of PIN commands typed as hex, in any spelling', () => {
    assert.equal(maskTypedLine('00 20 00 01 04 31 32 33 34', []), '00 20 00 01 04 ***');
    assert.equal(maskTypedLine('0020000104${ascii:1234}', []), '0020000104 ***');
    assert.equal(maskTypedLine('00:24:00:01:08:31:32:33:34:35:36:37:38', []), '00:24:00:01:08 ***');
    assert.equal(maskTypedLine('00 2C 00 01 08 3132333435363738', []), '00 2C 00 01 08 ***');
    assert.equal(maskTypedLine('00 21 00 01 00 00 04 31 32 33 34', []), '00 21 00 01 00 00 04 ***');
    assert.equal(maskTypedLine('00 20 00 01 04 ${ascii:${env:CARD_PIN}}', []), '00 20 00 01 04 ${ascii:${env:CARD_PIN}}');
    // A VERIFY without data (the tries left) and other commands are kept.
    assert.equal(maskTypedLine('00 20 00 01', []), '00 20 00 01');
    assert.equal(maskTypedLine('00 A4 00 0C 02 3F 00', []), '00 A4 00 0C 02 3F 00');
  });

  it('masks values that came from the environment wherever they stand', () => {
    assert.equal(maskTypedLine('00 DA 00 01 04 39 38 37 36', ['9876']), '00 DA 00 01 04 ***');
    assert.equal(maskTypedLine('# tried 9876 today', ['9876']), '# tried *** today');
  });
});

describe('the history file', () => {
  it('lives under the user state folder', () => {
    assert.equal(historyFile({ XDG_STATE_HOME: '/s', HOME: '/h' }), '/s/cardspec/shell_history');
    assert.equal(historyFile({ HOME: '/h' }), '/h/.local/state/cardspec/shell_history');
  });

  it('keeps lines across sessions, most recent first, readable by its owner only', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cardspec-history-'));
    try {
      const file = join(dir, 'cardspec', 'shell_history');
      assert.deepEqual(loadHistory(file), []);
      appendHistory(file, 'atr');
      appendHistory(file, 'verify 1 ***');
      assert.deepEqual(loadHistory(file), ['verify 1 ***', 'atr']);
      assert.equal(readFileSync(file, 'utf8'), 'atr\nverify 1 ***\n');
      assert.equal(statSync(file).mode & 0o777, 0o600);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
