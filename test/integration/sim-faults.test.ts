import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { packageRoot } from '../../core/paths.js';
import { CLI, startSim, type RunningSim } from '../support/cli.js';

/**
 * A pyscard client (Debian's /usr/bin/python3) against `cardspec sim`, while
 * `cardspec card` sets each fault over the control channel: what the client sees.
 */
const run = promisify(execFile);
const ROOT = packageRoot();
const PYTHON = '/usr/bin/python3';
const PROBE = join(ROOT, 'test/fixtures/python/pyscard_probe.py');

interface Seen {
  sw?: string;
  data?: string;
  error?: string;
  ms: number;
}

for (const target of ['simulator', 'container'] as const) {
describe(`pyscard sees the faults cardspec card sets on cardspec sim --target ${target}`, () => {
  let sim: RunningSim | undefined;
  let env: Record<string, string>;

  const card = async (...words: string[]): Promise<string> => (await run(process.execPath, [CLI, 'card', '--reader', '0', ...words], { env })).stdout;
  const probe = async (): Promise<Seen> => JSON.parse((await run(PYTHON, [PROBE], { env })).stdout) as Seen;

  before(async () => {
    sim = await startSim(['--target', target, '--card', 'iso7816-demo']);
    env = sim.env;
  });

  after(async () => {
    await sim?.stop();
  });

  it('prints the control channel, and the card answers on time without faults', async () => {
    assert.match(env.CARDSPEC_CONTROL ?? '', /cardspec-(sim|container)-.*\/control\.sock$/);
    assert.match(await card('status'), /Virtual PCD 00 00: card iso7816-demo in; faults: none/);
    const seen = await probe();
    assert.equal(seen.sw, '9000');
  });

  it('delay: the answer comes late', async () => {
    assert.match(await card('delay', '400'), /faults: \{"delayMs":400\}/);
    const seen = await probe();
    assert.equal(seen.sw, '9000');
    assert.ok(seen.ms >= 400, `answered after ${seen.ms} ms`);
    await card('delay', '0');
    assert.ok((await probe()).ms < 400);
  });

  it('answer: the next APDU gets the chosen bytes, the one after the card\'s own', async () => {
    await card('answer', '6F00');
    assert.deepEqual({ sw: (await probe()).sw }, { sw: '6F00' });
    await card('answer', 'CAFE9000');
    const chosen = await probe();
    assert.equal(chosen.data, 'CAFE');
    assert.equal((await probe()).data, '');
  });

  it('mute: the client waits until the card is taken out; insert brings it back answering', async () => {
    await card('mute');
    const waiting = probe();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    assert.match(await card('remove'), /Virtual PCD 00 00: empty/);
    const seen = await waiting;
    assert.ok(seen.ms >= 1_000, `the client waited ${seen.ms} ms`);
    assert.match(seen.error ?? '', /CardConnectionException/, `the mute card gave no answer: ${JSON.stringify(seen)}`);
    assert.match(await card('insert'), /card iso7816-demo in; faults: none/);
    assert.equal((await probe()).sw, '9000');
  });

  it('remove-next: the card leaves during the client\'s APDU', async () => {
    await card('remove-next');
    const seen = await probe();
    assert.match(seen.error ?? '', /CardConnectionException/, `no status word: ${JSON.stringify(seen)}`);
    assert.match(await card('status'), /empty/);
    await card('insert');
    assert.equal((await probe()).sw, '9000');
  });

  it('remove and insert: the client finds no card, then the card', async () => {
    await card('remove');
    const seen = await probe();
    assert.match(seen.error ?? '', /NoCardException|CardConnectionException/);
    await card('insert');
    assert.equal((await probe()).sw, '9000');
  });

  it('refuses what it cannot do, naming the mistake', async () => {
    await assert.rejects(card('answer', '12'), /an answer needs at least SW1 SW2/);
    await assert.rejects(card('answer', '0102'), /does not end in a status word/);
    await assert.rejects(card('wobble'), /unknown action "wobble"/);
  });
});
}
