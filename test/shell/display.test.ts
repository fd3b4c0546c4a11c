import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseHex } from '../../core/apdu/hex.js';
import { describeStatusWord } from '../../core/apdu/status.js';
import { dataLines, exchangeLines } from '../../src/shell/display.js';

const texts = { describe: (sw: number) => describeStatusWord(sw), milliseconds: (ms: number) => `${ms.toFixed(2)} ms` };
const entry = (command: string, response: string, durationUs = 100) => ({ at: new Date(0), command: parseHex(command), response: parseHex(response), durationUs });

describe('the shell display', () => {
  it('shows data as hex and ASCII, 16 bytes a line', () => {
    const data = Buffer.from('Hello World!\nand more than sixteen');
    const lines = dataLines(data);
    assert.equal(lines.length, 3);
    assert.equal(lines[0], '< 48 65 6C 6C 6F 20 57 6F 72 6C 64 21 0A 61 6E 64   Hello World!.and');
    // The ASCII column stays in place on a short last line.
    assert.equal(lines[2], `${'< 65 6E'.padEnd(lines[0]!.length - 19)}   en`);
    assert.equal(lines[2]!.indexOf('en'), lines[0]!.indexOf('Hello'));
  });

  it('shows the status word, its meaning and the time; the exchanges cardspec added above', () => {
    const lines = exchangeLines(
      { entries: [entry('00 B0 00 00 00', '6C 0D'), entry('00 B0 00 00 0D', '48 69 90 00', 150)], response: { data: Buffer.from('Hi'), sw: 0x9000 } },
      texts,
    );
    assert.deepEqual(lines, [
      '  | 00 B0 00 00 00  ->  6C 0D  (wrong Le: 13 bytes available)',
      '  | 00 B0 00 00 0D  ->  48 69 90 00  (success)',
      `${'< 48 69'.padEnd(49)}   Hi`,
      '< 9000  success  (0.25 ms)',
    ]);
  });

  it('masks the PIN of a VERIFY among the exchanges', () => {
    const lines = exchangeLines({ entries: [entry('00 20 00 01', '63 C3'), entry('00 20 00 01 04 31 32 33 34', '90 00')], response: { data: Buffer.alloc(0), sw: 0x9000 } }, texts);
    assert.equal(lines[1], '  | 00 20 00 01 04 ***  ->  90 00  (success)');
    assert.doesNotMatch(lines.join('\n'), /31 32 33 34/);
  });
});
