import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FrameDecoder, VpcdControl, classifyPayload, encodeFrame } from '../../simulator/vpcd/frame.js';

const hex = (b: Buffer): string => b.toString('hex');

describe('vpcd framing', () => {
  it('encodes a 2-byte big-endian length then the payload, in one buffer', () => {
    assert.equal(hex(encodeFrame(Buffer.from([0x90, 0x00]))), '00029000');
    assert.equal(hex(encodeFrame(Buffer.alloc(0))), '0000');
    assert.equal(encodeFrame(Buffer.alloc(300)).readUInt16BE(0), 300);
  });

  it('refuses a payload the length cannot carry', () => {
    assert.throws(() => encodeFrame(Buffer.alloc(0x10000)), RangeError);
  });

  it('decodes whole frames, several in one chunk', () => {
    const d = new FrameDecoder();
    const frames = d.push(Buffer.from('000104' + '0001' + '01' + '000400a4000c', 'hex'));
    assert.deepEqual(frames.map(hex), ['04', '01', '00a4000c']);
    assert.equal(d.buffered, 0);
  });

  it('decodes a frame split at any byte', () => {
    const stream = Buffer.from('0007' + '00a4000c023f00' + '0001' + '02', 'hex');
    for (let cut = 0; cut <= stream.length; cut++) {
      const d = new FrameDecoder();
      const frames = [...d.push(stream.subarray(0, cut)), ...d.push(stream.subarray(cut))];
      assert.deepEqual(frames.map(hex), ['00a4000c023f00', '02'], `cut at ${cut}`);
    }
  });

  it('decodes a stream fed one byte at a time', () => {
    const stream = Buffer.from('0001040005' + '00b0000000' + '0001' + '00', 'hex');
    const d = new FrameDecoder();
    const frames: Buffer[] = [];
    for (const b of stream) frames.push(...d.push(Buffer.from([b])));
    assert.deepEqual(frames.map(hex), ['04', '00b0000000', '00']);
  });

  it('keeps a partial frame until the rest comes, and clear() drops it', () => {
    const d = new FrameDecoder();
    assert.deepEqual(d.push(Buffer.from('0005 00b0'.replace(' ', ''), 'hex')), []);
    assert.equal(d.buffered, 4);
    d.clear();
    assert.equal(d.buffered, 0);
  });

  it('tells control codes (1 byte) from APDUs', () => {
    assert.deepEqual(classifyPayload(Buffer.from([VpcdControl.ATR_REQUEST])), { kind: 'control', code: 4 });
    assert.deepEqual(classifyPayload(Buffer.from([VpcdControl.POWER_OFF])), { kind: 'control', code: 0 });
    const m = classifyPayload(Buffer.from('00a4', 'hex'));
    assert.equal(m.kind, 'apdu');
  });
});
