import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ControlClient } from '../../core/control/client.js';
import { ControlServer, type ControlServerOptions } from '../../simulator/control/server.js';
import { SoftHsmTokenStore, writeSoftHsmConf } from '../../core/softhsm.js';
import { loadProfile, profilesDir } from '../../core/profile/index.js';
import { StandInVpcd } from '../support/stand-in-vpcd.js';
import { HarnessCodes } from '../../core/errors.js';

const ATR_REQUEST = Buffer.from([0x04]);

const atrOf = (profile: string): string => loadProfile(profile).atr.toString('hex').toUpperCase();

interface Bench {
  dir: string;
  vpcd: StandInVpcd;
  server: ControlServer;
  client: ControlClient;
}

/** A control server with one reader on a stand-in vpcd, and a client of it, in a temporary folder; `more` adds options. */
async function startBench(more: (dir: string, vpcd: StandInVpcd) => Promise<Partial<ControlServerOptions>>): Promise<Bench> {
  const dir = mkdtempSync(join(tmpdir(), 'cardspec-control-'));
  const vpcd = new StandInVpcd();
  const port = await vpcd.listen();
  const server = new ControlServer({
    socketPath: join(dir, 'control.sock'),
    slotCount: 1,
    versions: { pcscLite: '1.9.9', pkcs11Proxy: '1.0.12-1.1', softhsm: '2.6.1', node: process.version },
    vpcdBasePort: port,
    ...(await more(dir, vpcd)),
  });
  await server.listen();
  return { dir, vpcd, server, client: await ControlClient.connect(join(dir, 'control.sock')) };
}

async function stopBench({ dir, vpcd, server, client }: Bench): Promise<void> {
  client.close();
  await server.close();
  await vpcd.close();
  rmSync(dir, { recursive: true, force: true });
}

describe('control channel: server and client over a unix socket', () => {
  let dir: string;
  let vpcd: StandInVpcd;
  let server: ControlServer;
  let client: ControlClient;

  before(async () => {
    ({ dir, vpcd, server, client } = await startBench(async (folder) => {
      const conf = join(folder, 'softhsm2.conf');
      await writeSoftHsmConf(conf, join(folder, 'tokens'));
      return { tokens: new SoftHsmTokenStore(conf) };
    }));
  });

  after(() => stopBench({ dir, vpcd, server, client }));

  it('inserts a card: vpcd gets a connection and the ATR of the profile', async () => {
    const inserted = await client.request({ op: 'insert', slot: 0, profile: { name: 'iso7816-demo' } });
    assert.deepEqual(inserted, { slot: 0, reader: 'Virtual PCD 00 00', inserted: true, profile: 'iso7816-demo', atr: atrOf('iso7816-demo'), replaced: false, faults: {} });
    assert.equal(vpcd.connections, 1);
    assert.equal((await vpcd.ask(ATR_REQUEST)).toString('hex').toUpperCase(), inserted.atr);
  });

  it('answers APDUs from the card it holds', async () => {
    vpcd.tell(Buffer.from([0x01])); // power on: vpcd expects no answer
    assert.equal((await vpcd.ask(Buffer.from('00A4000C020001', 'hex'))).toString('hex'), '9000');
    assert.equal((await vpcd.ask(Buffer.from('00B0000000', 'hex'))).toString('hex'), `${Buffer.from('Hello World!\n').toString('hex')}9000`);
  });

  it('replaces the card behind the same connection: no removal for pcscd to notice', async () => {
    const replaced = await client.request({ op: 'insert', slot: 0, profile: { name: 'iso7816-t0' } });
    assert.equal(replaced.replaced, true);
    assert.equal(vpcd.connections, 1, 'still the first connection');
    assert.equal((await vpcd.ask(ATR_REQUEST)).toString('hex').toUpperCase(), atrOf('iso7816-t0'));
  });

  it('removes the card by closing the connection, and puts the same card back', async () => {
    const closed = vpcd.whenClosed();
    assert.equal((await client.request({ op: 'remove', slot: 0 })).inserted, false);
    await closed;
    assert.equal(vpcd.cardPresent, false);
    const back = await client.request({ op: 'reinsert', slot: 0 });
    assert.equal(back.inserted, true);
    assert.equal(back.profile, 'iso7816-t0');
    assert.equal(vpcd.connections, 2);
    assert.equal((await vpcd.ask(ATR_REQUEST)).toString('hex').toUpperCase(), atrOf('iso7816-t0'));
  });

  it('raises the errors of the container on the host with their codes', async () => {
    await assert.rejects(client.request({ op: 'reinsert', slot: 0 }), { code: HarnessCodes.CARD_PRESENT, message: /still in the reader/ });
    await assert.rejects(client.request({ op: 'insert', slot: 1, profile: { name: 'iso7816-demo' } }), { code: HarnessCodes.UNKNOWN_READER, message: /slots 0 to 0, not 1/ });
    await assert.rejects(client.request({ op: 'insert', slot: 0, profile: { name: 'no-such-card' } }), { code: HarnessCodes.BAD_PROFILE, message: /available: .*iso7816-demo/ });
    await assert.rejects(client.request({ op: 'restart-pcscd' }), { code: HarnessCodes.UNSUPPORTED, message: /did not start/ });
    await client.request({ op: 'remove', slot: 0 });
    await assert.rejects(client.request({ op: 'replace', slot: 0, profile: { name: 'iso7816-demo' } }), { code: HarnessCodes.NO_CARD, message: /holds no card/ });
  });

  it('loads a profile sent along with the other files of its folder, for extends', async () => {
    const text = (name: string): string => readFileSync(join(profilesDir(), `${name}.yaml`), 'utf8');
    const files = { 'mine.yaml': text('iso7816-t0').replace('name: iso7816-t0', 'name: mine'), 'iso7816-demo.yaml': text('iso7816-demo') };
    const inserted = await client.request({ op: 'insert', slot: 0, profile: { file: 'mine.yaml', files } });
    assert.equal(inserted.profile, 'mine');
    assert.equal(inserted.atr, atrOf('iso7816-t0'));
  });

  it('answers a malformed request with its id and a protocol error', async () => {
    const raw = connect(join(dir, 'control.sock'));
    const answer = await new Promise<string>((resolve) => {
      raw.once('data', (chunk: Buffer) => resolve(chunk.toString('utf8')));
      raw.write('{"id":41,"op":"eject"}\n');
    });
    raw.destroy();
    const parsed = JSON.parse(answer) as { id: number; ok: boolean; error: { code: string; message: string } };
    assert.equal(parsed.id, 41);
    assert.equal(parsed.ok, false);
    assert.equal(parsed.error.code, HarnessCodes.UNSUPPORTED);
    assert.match(parsed.error.message, /unknown op "eject"/);
  });

  it('makes a SoftHSM token once per label', async () => {
    assert.deepEqual(await client.request({ op: 'token', label: 'ctl', userPin: '1234', soPin: '5678' }), { label: 'ctl', created: true });
    assert.deepEqual(await client.request({ op: 'token', label: 'ctl', userPin: '1234', soPin: '5678' }), { label: 'ctl', created: false });
    await assert.rejects(client.request({ op: 'token', label: 'ctl', userPin: '0000', soPin: '5678' }), /other PINs/);
    const status = await client.request({ op: 'status' });
    assert.deepEqual(status.tokens, ['ctl']);
    assert.equal(status.versions.pcscLite, '1.9.9');
    assert.equal(status.slots.length, 1);
  });

  it('fails pending and later requests once the server is gone', async () => {
    const other = await ControlClient.connect(join(dir, 'control.sock'));
    await server.close();
    await assert.rejects(other.request({ op: 'status' }), { code: HarnessCodes.MISSING_DEPENDENCY, message: /control channel is gone/ });
    other.close();
  });
});

/**
 * restart-pcscd, with the stand-in vpcd in pcscd's place: the "restart" closes the card's
 * connection from the reader's side, as a stopping pcscd does; the server then puts the
 * card that was in the reader back in.
 */
describe('control channel: a pcscd restart', () => {
  let dir: string;
  let vpcd: StandInVpcd;
  let server: ControlServer;
  let client: ControlClient;
  let restarts = 0;

  before(async () => {
    ({ dir, vpcd, server, client } = await startBench(async (_, standIn) => ({
      restartPcscd: async () => {
        restarts += 1;
        if (standIn.cardPresent) standIn.socket.destroy();
      },
    })));
  });

  after(() => stopBench({ dir, vpcd, server, client }));

  it('puts the card that was in the reader back in, on a new vpcd connection', async () => {
    await client.request({ op: 'insert', slot: 0, profile: { name: 'iso7816-t0' } });
    const { slots } = await client.request({ op: 'restart-pcscd' });
    assert.equal(restarts, 1);
    assert.deepEqual(
      slots.map((s) => [s.inserted, s.profile]),
      [[true, 'iso7816-t0']],
    );
    await vpcd.connected(2);
    assert.equal((await vpcd.ask(ATR_REQUEST)).toString('hex').toUpperCase(), atrOf('iso7816-t0'));
  });

  it('leaves a card taken out before the restart out', async () => {
    await client.request({ op: 'remove', slot: 0 });
    await vpcd.whenClosed();
    const { slots } = await client.request({ op: 'restart-pcscd' });
    assert.equal(restarts, 2);
    assert.equal(slots[0]?.inserted, false);
    assert.equal(vpcd.connections, 2, 'no new connection');
    assert.equal((await client.request({ op: 'reinsert', slot: 0 })).inserted, true);
  });
});
