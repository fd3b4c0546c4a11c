/**
 * VpcdSlot against a stand-in for vpcd: a TCP server on a free port that speaks vpcd's
 * frames, so the transport is tested without pcscd.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { type AddressInfo, createServer } from 'node:net';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { HarnessCodes, HarnessError } from '../../core/errors.js';
import { VirtualCard } from '../../simulator/card/virtual-card.js';
import { loadProfile } from '../../core/profile/load.js';
import { encodeFrame } from '../../simulator/vpcd/frame.js';
import { StandInVpcd } from '../support/stand-in-vpcd.js';
import { vpcdPort, vpcdReaderName } from '../../core/vpcd.js';
import { VpcdSlot } from '../../simulator/vpcd/slot.js';

const demo = loadProfile('iso7816-demo');
const t0 = loadProfile('iso7816-t0');

describe('VpcdSlot', () => {
  let vpcd: StandInVpcd;
  let port: number;

  beforeEach(async () => {
    vpcd = new StandInVpcd();
    port = await vpcd.listen();
  });

  afterEach(() => vpcd.close());

  it('names ports and readers as Debian\'s vpcd does', () => {
    assert.equal(vpcdPort(0), 35963);
    assert.equal(vpcdPort(1), 35964);
    assert.equal(vpcdReaderName(0), 'Virtual PCD 00 00');
    assert.equal(vpcdReaderName(1), 'Virtual PCD 00 01');
    const slot = new VpcdSlot({ slot: 1 });
    assert.equal(slot.port, 35964);
    assert.equal(slot.host, '127.0.0.1');
    assert.equal(slot.readerName, 'Virtual PCD 00 01');
  });

  it('answers ATR requests, power controls and APDUs, however the frames are split', async () => {
    const slot = new VpcdSlot({ port });
    const card = new VirtualCard(demo);
    await slot.insert(card);
    assert.equal(slot.inserted, true);
    assert.equal(slot.card, card);
    await vpcd.connected();

    // An ATR request split across two writes.
    vpcd.write(Buffer.from('00', 'hex'));
    await new Promise((r) => setTimeout(r, 5));
    vpcd.write(Buffer.from('0104', 'hex'));
    assert.equal(await vpcd.nextHex(), '3B8801434152445350454398');

    // Power on (no answer), then two APDUs glued in one write.
    vpcd.write(Buffer.concat([encodeFrame(Buffer.from([1])), encodeFrame(Buffer.from('00A4000C020001', 'hex')), encodeFrame(Buffer.from('00B0000005', 'hex'))]));
    assert.equal(await vpcd.nextHex(), '9000');
    assert.equal(await vpcd.nextHex(), '48656C6C6F9000');
    assert.equal(card.isPowered, true);

    // Reset clears the current EF; power off powers off.
    vpcd.write(encodeFrame(Buffer.from([2])));
    assert.equal(await vpcd.exchange('00B0000005'), '6986');
    vpcd.write(encodeFrame(Buffer.from([0])));
    assert.equal(await vpcd.exchange('04'), '3B8801434152445350454398', 'the ATR even when off');
    assert.equal(card.isPowered, false);
    await slot.remove();
  });

  it('remove() closes the connection and powers the card off; the same card can go back in', async () => {
    const slot = new VpcdSlot({ port });
    const card = new VirtualCard(demo);
    await slot.insert(card);
    await vpcd.connected();
    vpcd.write(encodeFrame(Buffer.from([1])));
    assert.equal(await vpcd.exchange('0020000104 30303030'), '63C2');
    assert.equal(await vpcd.exchange('0020000104 31323334'), '9000');
    assert.equal(await vpcd.exchange('0020000104 30303030'), '63C2');

    const removed = once(slot, 'removed');
    const ended = once(vpcd.socket, 'end');
    await slot.remove();
    assert.deepEqual(await removed, [{ byPeer: false }]);
    await ended;
    assert.equal(slot.inserted, false);
    assert.equal(slot.card, undefined);
    assert.equal(card.isPowered, false);

    await slot.insert(card);
    await vpcd.connected(2);
    vpcd.write(encodeFrame(Buffer.from([1])));
    assert.equal(await vpcd.exchange('00200001'), '63C2', 'tries kept, verified state gone');
    await slot.close();
    await assert.rejects(slot.insert(card), /closed/);
  });

  it('replace() swaps the card behind the open connection', async () => {
    const slot = new VpcdSlot({ port });
    const first = new VirtualCard(demo);
    await slot.insert(first);
    await vpcd.connected();
    vpcd.write(encodeFrame(Buffer.from([1])));
    assert.equal(await vpcd.exchange('0020000104 30303030'), '63C2');

    const second = new VirtualCard(t0);
    slot.replace(second);
    assert.equal(slot.card, second);
    assert.equal(second.isPowered, true, 'takes over the power state');
    assert.equal(first.isPowered, false);
    assert.equal(await vpcd.exchange('00200001'), '63C3', 'a fresh card');
    assert.equal(await vpcd.exchange('04'), '3B084341524453504543');
    assert.equal(vpcd.connections, 1, 'no new connection');
    await slot.remove();
    assert.throws(() => slot.replace(first), /empty/);
  });

  it('a card inserted after a late card was taken out answers at once, not after the late answer', { timeout: 10_000 }, async () => {
    const slot = new VpcdSlot({ port });
    await slot.insert(new VirtualCard(demo));
    await vpcd.connected();
    vpcd.write(encodeFrame(Buffer.from([1])));
    // Late by a minute: the test's 10 s run out long before, had the new card queued behind it.
    slot.addFaults({ delayMs: 60_000 });
    vpcd.write(encodeFrame(Buffer.from('00A4000C020001', 'hex')));
    // Time for the slot to read the APDU and hold its answer back.
    await new Promise((r) => setTimeout(r, 50));
    await slot.remove();

    await slot.insert(new VirtualCard(demo));
    await vpcd.connected(2);
    assert.equal(await vpcd.exchange('04'), '3B8801434152445350454398');
    await slot.remove();
  });

  it('a second insert() into a full slot rejects', async () => {
    const slot = new VpcdSlot({ port });
    await slot.insert(new VirtualCard(demo));
    await assert.rejects(slot.insert(new VirtualCard(demo)), /already holds a card/);
    await slot.remove();
  });

  it('vpcd closing the connection is a removal event, not a crash', async () => {
    const slot = new VpcdSlot({ port });
    const card = new VirtualCard(demo);
    await slot.insert(card);
    await vpcd.connected();
    vpcd.write(encodeFrame(Buffer.from([1])));
    const removed = once(slot, 'removed');
    vpcd.socket.destroy();
    assert.deepEqual(await removed, [{ byPeer: true }]);
    assert.equal(slot.inserted, false);
    assert.equal(card.isPowered, false);
  });

  it('insert() rejects when remove() or close() runs while it is still connecting', async () => {
    for (const stop of ['remove', 'close'] as const) {
      const slot = new VpcdSlot({ port });
      const inserting = slot.insert(new VirtualCard(demo));
      await slot[stop]();
      let timer: NodeJS.Timeout | undefined;
      const settled = await Promise.race([
        inserting.then(
          () => 'resolved',
          (err: Error) => err.message,
        ),
        new Promise<string>((r) => (timer = setTimeout(() => r('never settled'), 1_000))),
      ]);
      clearTimeout(timer);
      assert.equal(settled, 'vpcd slot 0 removed before it connected', stop);
      assert.equal(slot.inserted, false);
      assert.equal(slot.card, undefined);
    }
  });

  it('insert() rejects with CARDSPEC_MISSING_DEPENDENCY when vpcd is not there', async () => {
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const freePort = (closed.address() as AddressInfo).port;
    closed.close();
    await once(closed, 'close');
    const slot = new VpcdSlot({ port: freePort });
    let removedEvents = 0;
    slot.on('removed', () => removedEvents++);
    await assert.rejects(slot.insert(new VirtualCard(demo)), (err: Error) => {
      assert.ok(err instanceof HarnessError);
      assert.equal(err.code, HarnessCodes.MISSING_DEPENDENCY);
      assert.match(err.message, new RegExp(`127\\.0\\.0\\.1:${freePort}`));
      return true;
    });
    await new Promise((r) => setTimeout(r, 10));
    assert.equal(slot.inserted, false);
    assert.equal(removedEvents, 0);
  });
});
