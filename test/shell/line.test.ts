import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { completeLine, parseShellLine } from '../../src/shell/line.js';

describe('parseShellLine', () => {
  it('reads hex lines as APDUs, in every spelling features accept', () => {
    for (const text of ['00 A4 00 0C 02 3F 00', '00A4000C023F00', '00:A4:00:0C', '${ascii:AB} 00', '00 20 00 01 04 ${ascii:${env:CARD_PIN}}']) {
      assert.deepEqual(parseShellLine(`  ${text} `), { kind: 'apdu', text });
    }
  });

  it('leaves a hex line with a bad digit to the hex parser (which names the column)', () => {
    assert.deepEqual(parseShellLine('00 A4 0G'), { kind: 'apdu', text: '00 A4 0G' });
  });

  it('names a word that is neither a command nor hex', () => {
    assert.deepEqual(parseShellLine('foo 12'), { kind: 'unknown', word: 'foo' });
    assert.deepEqual(parseShellLine('selec 3F00'), { kind: 'unknown', word: 'selec' });
  });

  it('reads the commands and their arguments, in any case', () => {
    assert.deepEqual(parseShellLine('ATR'), { kind: 'atr' });
    assert.deepEqual(parseShellLine('reset'), { kind: 'reset' });
    assert.deepEqual(parseShellLine('cold'), { kind: 'cold' });
    assert.deepEqual(parseShellLine('reader 1'), { kind: 'reader', index: 1 });
    assert.deepEqual(parseShellLine('select 3F 00'), { kind: 'select', id: '3F 00' });
    assert.deepEqual(parseShellLine('verify 81 1234'), { kind: 'verify', reference: 0x81, pin: '1234' });
    assert.deepEqual(parseShellLine('verify 1'), { kind: 'verify', reference: 1, pin: undefined });
    assert.deepEqual(parseShellLine('verify 1 ${env:CARD_PIN}'), { kind: 'verify', reference: 1, pin: '${env:CARD_PIN}' });
    assert.deepEqual(parseShellLine('run my script.txt'), { kind: 'run', file: 'my script.txt' });
    assert.deepEqual(parseShellLine('record out.feature'), { kind: 'record', file: 'out.feature' });
    assert.deepEqual(parseShellLine('auto OFF'), { kind: 'auto', on: false });
    assert.deepEqual(parseShellLine('exit'), { kind: 'quit' });
    assert.deepEqual(parseShellLine('# a note'), { kind: 'comment', text: 'a note' });
    assert.deepEqual(parseShellLine('   '), { kind: 'empty' });
  });

  it('asks for the usage line when the arguments are wrong', () => {
    for (const [line, command] of [['reader x', 'reader'], ['verify', 'verify'], ['verify 100 1', 'verify'], ['auto maybe', 'auto'], ['run', 'run'], ['atr now', 'atr'], ['select', 'select']] as const) {
      assert.deepEqual(parseShellLine(line), { kind: 'usage', command }, line);
    }
  });
});

describe('completeLine', () => {
  const files = (prefix: string): string[] => ['demo.script', 'demo.feature'].filter((f) => f.startsWith(prefix));

  it('completes command names', () => {
    assert.deepEqual(completeLine('he', files), [['help '], 'he']);
    assert.deepEqual(completeLine('rea', files), [['readers ', 'reader '], 'rea']);
    assert.deepEqual(completeLine('', files)[0].length, 14);
  });

  it('completes on/off after auto and file names after run and record', () => {
    assert.deepEqual(completeLine('auto o', files), [['on', 'off'], 'o']);
    assert.deepEqual(completeLine('run demo.s', files), [['demo.script'], 'demo.s']);
    assert.deepEqual(completeLine('record d', files), [['demo.script', 'demo.feature'], 'd']);
    assert.deepEqual(completeLine('select 3F', files), [[], '3F']);
  });
});
