/**
 * The vpcd wire format (vsmartcard's virtual PC/SC reader driver): every message in
 * either direction is a 2-byte big-endian length followed by that many payload bytes.
 * From the reader, a 1-byte payload is a control code; anything else is a command APDU.
 * Pure codec, no I/O: the socket lives in slot.ts.
 */

/** Control codes vpcd sends as 1-byte payloads. */
export const VpcdControl = {
  POWER_OFF: 0,
  POWER_ON: 1,
  RESET: 2,
  ATR_REQUEST: 4,
} as const;

/** One decoded message from vpcd. */
export type VpcdMessage =
  | { kind: 'control'; code: number }
  | { kind: 'apdu'; apdu: Buffer };

/** The largest payload the 2-byte length can carry. */
export const MAX_FRAME_PAYLOAD = 0xffff;

const EMPTY = Buffer.alloc(0);

/** Length prefix and payload in one Buffer, so the socket sends them in one write. */
export function encodeFrame(payload: Uint8Array): Buffer {
  if (payload.length > MAX_FRAME_PAYLOAD) {
    throw new RangeError(`a vpcd frame carries at most ${MAX_FRAME_PAYLOAD} bytes, got ${payload.length}`);
  }
  const out = Buffer.allocUnsafe(2 + payload.length);
  out.writeUInt16BE(payload.length, 0);
  out.set(payload, 2);
  return out;
}

/**
 * Tells a control code from an APDU. An unknown 1-byte code is still a control code
 * (the slot ignores it): one byte can never be an APDU.
 */
export function classifyPayload(payload: Buffer): VpcdMessage {
  if (payload.length === 1) return { kind: 'control', code: payload[0]! };
  return { kind: 'apdu', apdu: payload };
}

/**
 * Streaming decoder: TCP may split a frame anywhere or glue several together, so bytes
 * are buffered until a whole frame is there. The common case (one chunk = whole frames)
 * slices without copying.
 */
export class FrameDecoder {
  private pending: Buffer = EMPTY;

  /** Feeds bytes in; returns the payloads of every frame completed by them, in order. */
  push(chunk: Uint8Array): Buffer[] {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let buf = this.pending.length === 0 ? bytes : Buffer.concat([this.pending, bytes]);
    const frames: Buffer[] = [];
    while (buf.length >= 2) {
      const length = buf.readUInt16BE(0);
      if (buf.length < 2 + length) break;
      frames.push(buf.subarray(2, 2 + length));
      buf = buf.subarray(2 + length);
    }
    // Copy the tail so that it does not pin the caller's (possibly large) chunk.
    this.pending = buf.length === 0 ? EMPTY : Buffer.from(buf);
    return frames;
  }

  /** Bytes received but not yet part of a whole frame. */
  get buffered(): number {
    return this.pending.length;
  }

  /** Drops a partial frame (after the connection closes). */
  clear(): void {
    this.pending = EMPTY;
  }
}
