import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { parseHex, swHex } from '../../core/apdu/hex.js';
import { ApduTrace, formatTraceEntry, type TraceEntry } from '../../src/trace/trace.js';

const AT = new Date('2024-05-01T22:41:07.123Z');
const describeSw = (sw: number): string => (sw === 0x9000 ? 'success' : `sw ${swHex(sw)}`);

function entry(command: string, response: string, extra: Partial<TraceEntry> = {}): TraceEntry {
  return { at: AT, command: parseHex(command), response: parseHex(response), durationUs: 187.4, ...extra };
}

describe('formatTraceEntry', () => {
  it('writes time, command, answer and duration', () => {
    assert.equal(
      formatTraceEntry(entry('00 A4 00 0C 02 3F 00', '90 00'), describeSw),
      '22:41:07.123  00 A4 00 0C 02 3F 00  ->  9000 (success)  187 µs',
    );
  });

  it('shows response data before the status word', () => {
    assert.equal(
      formatTraceEntry(entry('00 B0 00 00 02', '48 65 90 00'), describeSw),
      '22:41:07.123  00 B0 00 00 02  ->  48 65 9000 (success)  187 µs',
    );
  });

  it('never shows the PIN bytes of a VERIFY', () => {
    const line = formatTraceEntry(entry('00 20 00 81 06 31 32 33 34 35 36', '63 C2'), describeSw);
    assert.equal(line, '22:41:07.123  00 20 00 81 06 ***  ->  63C2 (sw 63C2)  187 µs');
    for (const pinByte of ['31', '32', '33', '34', '35', '36']) assert.ok(!line.includes(pinByte), `${pinByte} in ${line}`);
  });

  it('shows the error of a failed exchange', () => {
    const line = formatTraceEntry(entry('00 B0 00 00 05', '', { error: 'SCARD_W_REMOVED_CARD' }), describeSw);
    assert.equal(line, '22:41:07.123  00 B0 00 00 05  ->  SCARD_W_REMOVED_CARD  187 µs');
  });

  it('says when a response is not a response APDU', () => {
    const line = formatTraceEntry(entry('00 B0 00 00 05', '90'), describeSw);
    assert.ok(line.includes('90 (not a response APDU)'), line);
  });
});

describe('ApduTrace', () => {
  it('records entries, tells observers, and clears', () => {
    const trace = new ApduTrace();
    const seen: TraceEntry[] = [];
    trace.onRecord((e) => seen.push(e));
    const e = entry('00 B0 00 00 05', '90 00');
    trace.record(e);
    assert.deepEqual(trace.entries, [e]);
    assert.deepEqual(seen, [e]);
    trace.clear();
    assert.equal(trace.entries.length, 0);
    assert.equal(seen.length, 1);
  });
});
