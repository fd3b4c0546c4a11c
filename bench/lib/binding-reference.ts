/**
 * A diagnostic reference for apdu-roundtrip: the `smartcard` binding called directly, with
 * none of src/pcsc/ around it, so the table splits the harness's time into the binding's
 * and our layer's. The harness itself imports the binding only in src/pcsc/client.ts; this
 * bench-only module is the one other place, and goes if the binding changes.
 */
import sc from 'smartcard';
import { median, nowUs } from './stats.js';

export interface BindingLoop {
  run(iterations: number): Promise<{ medianUs: number; meanUs: number }>;
  close(): void;
}

export async function openBindingLoop(readerName: string, command: Buffer, responseBytes: number): Promise<BindingLoop> {
  const context = new sc.Context();
  const reader = context.listReaders().find((r) => r.name === readerName);
  if (!reader) {
    context.close();
    throw new Error(`the binding sees no reader "${readerName}"`);
  }
  const card = await reader.connect(sc.SCARD_SHARE_SHARED, sc.SCARD_PROTOCOL_T0 | sc.SCARD_PROTOCOL_T1);
  return {
    async run(iterations) {
      const samples = new Float64Array(iterations);
      const started = nowUs();
      for (let i = 0; i < iterations; i++) {
        const t0 = nowUs();
        // The binding's default receive buffer (258 bytes): what a bare user of it writes.
        const response = await card.transmit(command);
        samples[i] = nowUs() - t0;
        if (response.length !== responseBytes) throw new Error(`the binding got ${response.toString('hex')}`);
      }
      return { medianUs: median(Array.from(samples)), meanUs: (nowUs() - started) / iterations };
    },
    close() {
      if (card.connected) card.disconnect(sc.SCARD_LEAVE_CARD);
      context.close();
    },
  };
}
