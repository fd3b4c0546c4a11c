import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PcscContext, type CardConnection } from '../../src/pcsc/client.js';
import { HarnessError } from '../../core/errors.js';
import { CARD_EVENT_TIMEOUT_MS } from '../../src/targets/card-flow.js';
import { CardHost } from '../../src/targets/card-host.js';
import { vpcdReaderName } from '../../core/vpcd.js';

/**
 * The simulator target's blocking transmit (SyncCard over native/pcsc_sync.c) with the
 * card on its own thread (CardHost), on vpcd slot 1: answers, resets, and a mute card
 * that ends in CARDSPEC_CARD_MUTE instead of a hung process.
 */
const SLOT = 1;
const READER = vpcdReaderName(SLOT);
const APDU_TIMEOUT_MS = 400;

describe('blocking transmit to a card on its own thread', () => {
  let pcsc: PcscContext;
  let host: CardHost;
  let connection: CardConnection;

  before(async () => {
    pcsc = PcscContext.open();
    host = new CardHost(SLOT, { workerUrl: new URL('../fixtures/mute-card-thread.js', import.meta.url) });
    await host.insert({ profile: 'iso7816-demo', moduleCode: undefined });
    await pcsc.waitForCard(READER, CARD_EVENT_TIMEOUT_MS);
    connection = await pcsc.connect(READER, undefined, { watchdog: host });
    connection.responseTimeoutMs = APDU_TIMEOUT_MS;
  });

  after(async () => {
    connection?.disconnect();
    await host?.close();
    await pcsc.waitForEmpty(READER, CARD_EVENT_TIMEOUT_MS).catch(() => undefined);
    pcsc?.close();
  });

  it('sends APDUs, traces them and resets the card', async () => {
    const select = await connection.transmit(Buffer.from('00A4000C020001', 'hex'));
    assert.equal(select.sw, 0x9000);
    await connection.reset();
    const again = await connection.transmit(Buffer.from('00A4000C020001', 'hex'));
    assert.equal(again.sw, 0x9000);
    assert.equal(connection.trace.entries.filter((e) => e.command.equals(Buffer.from('00A4000C020001', 'hex'))).length, 2);
    assert.equal(connection.protocol, 'T=1');
  });

  it('lets the event loop turn during a long loop of APDUs (timers, keypresses, signals)', async () => {
    let timerRanAfterApdus: number | undefined;
    let sent = 0;
    setTimeout(() => (timerRanAfterApdus = sent), 1);
    const started = Date.now();
    while (timerRanAfterApdus === undefined && Date.now() - started < 5_000) {
      await connection.transmit(Buffer.from('00A4000C020001', 'hex'));
      sent++;
    }
    assert.ok(timerRanAfterApdus !== undefined, `no timer ran during ${sent} APDUs`);
  });

  it('fails with CARDSPEC_CARD_MUTE when the card never answers, and takes the card out', async () => {
    const started = Date.now();
    await assert.rejects(connection.transmit(Buffer.from('00EE000000', 'hex')), (error: unknown) => {
      assert.ok(error instanceof HarnessError);
      assert.equal(error.code, 'CARDSPEC_CARD_MUTE');
      assert.match(error.message, /did not answer within 400 ms/);
      return true;
    });
    const waited = Date.now() - started;
    assert.ok(waited >= APDU_TIMEOUT_MS && waited < APDU_TIMEOUT_MS + 5_000, `waited ${waited} ms`);
    assert.equal(connection.trace.entries.at(-1)?.error, 'CARDSPEC_CARD_MUTE');
    assert.equal(host.inserted, false);
    await pcsc.waitForEmpty(READER, CARD_EVENT_TIMEOUT_MS);
  });

  it('puts the same card back after the timeout', async () => {
    connection.disconnect();
    await host.reinsert();
    await pcsc.waitForCard(READER, CARD_EVENT_TIMEOUT_MS);
    connection = await pcsc.connect(READER, undefined, { watchdog: host });
    connection.responseTimeoutMs = APDU_TIMEOUT_MS;
    assert.equal((await connection.transmit(Buffer.from('00A4000C020001', 'hex'))).sw, 0x9000);
  });
});
