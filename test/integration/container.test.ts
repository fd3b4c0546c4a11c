import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createVerify } from 'node:crypto';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { parseKeyType } from '../../src/crypto/key-types.js';
import type { Pkcs11Call } from '../../src/pkcs11/calls.js';
import { ensureKeyPair } from '../../src/pkcs11/key-pairs.js';
import { buildMechanism, describeMechanism } from '../../src/pkcs11/mechanisms.js';
import { closePkcs11Modules, openPkcs11Module } from '../../src/pkcs11/module.js';
import { exportPublicKey } from '../../src/pkcs11/public-key-export.js';
import { Pkcs11Session } from '../../src/pkcs11/session.js';
import { findToken } from '../../src/pkcs11/token.js';
import { CONTAINER_LABELS, ContainerTarget } from '../../src/targets/container.js';
import { ApduTrace } from '../../src/trace/trace.js';

/** Every container of the project that exists (running or not), as `name label-value` lines. */
const ourContainers = (): string[] =>
  execFileSync('docker', ['ps', '--all', '--filter', `label=${CONTAINER_LABELS.project}=cardspec`, '--format', '{{.Names}}'], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean);

const hex = (text: string): Buffer => Buffer.from(text.replace(/\s/g, ''), 'hex');

/**
 * The container target end to end: the image (built or reused), a container from
 * testcontainers, PC/SC through the bind-mounted pcscd socket, PKCS#11 through
 * p11-kit-client.so, and nothing of ours left in Docker afterwards.
 */
describe('container target', () => {
  const target = new ContainerTarget();
  const trace = new ApduTrace();
  const log: Pkcs11Call[] = [];
  let before_: string[];
  let socketDir: string;

  before(
    async () => {
      before_ = ourContainers();
      await target.start();
      socketDir = target.started.getSocketDir();
    },
    // A cold image build fetches the Debian and npm packages.
    { timeout: 15 * 60_000 },
  );

  after(async () => {
    closePkcs11Modules();
    await target.stop();
    await target.stop(); // safe twice
    assert.deepEqual(ourContainers(), before_, 'the run leaves no container behind');
    assert.equal(existsSync(socketDir), false, 'the socket folder is removed');
  });

  it('reaches the container pcscd through the bind-mounted socket', () => {
    assert.equal(process.env.PCSCLITE_CSOCK_NAME, `${socketDir}/pcscd.comm`);
    assert.deepEqual(
      target.pcsc.listReaders().map((r) => r.name),
      ['Virtual PCD 00 00', 'Virtual PCD 00 01'],
    );
    assert.match(target.stackVersions?.pcscLite ?? '', /^\d+\.\d+\.\d+$/);
  });

  it('inserts a card, then SELECT and READ BINARY answer as the profile says', async () => {
    const card = await target.insertCard('iso7816-demo', trace);
    assert.equal(card.atr.toString('hex').toUpperCase(), '3B8801434152445350454398');
    const selected = await card.transmit(hex('00 A4 00 0C 02 00 01'));
    assert.equal(selected.sw, 0x9000);
    const read = await card.transmit(hex('00 B0 00 00 00'));
    assert.equal(read.sw, 0x9000);
    assert.equal(read.data.toString('utf8'), 'Hello World!\n');
  });

  it('gives a fresh card of another profile behind the same connection', async () => {
    const card = await target.insertCard('iso7816-t0', trace);
    assert.equal(card.atr.toString('hex').toUpperCase(), '3B084341524453504543');
    assert.equal(card.protocol, 'T=0');
  });

  it('removes the card and puts it back, as pcscd reports', async () => {
    await target.removeCard();
    assert.equal(target.pcsc.listReaders()[0]?.present, false);
    const card = await target.reinsertCard(trace);
    assert.equal(card.atr.toString('hex').toUpperCase(), '3B084341524453504543');
  });

  it('signs with a token in the container through p11-kit-client, and node:crypto verifies', async () => {
    const access = await target.token('container-it');
    assert.match(access.modulePath, /p11-kit-client\.so$/);
    assert.equal(access.env.P11_KIT_SERVER_ADDRESS, `unix:path=${socketDir}/p11kit.sock`);
    const session = Pkcs11Session.open(findToken(openPkcs11Module(access, log), access.label, log));
    try {
      session.login('user', access.userPin);
      const keys = await ensureKeyPair(session, 'signer', parseKeyType('RSA-2048'), { tokenObjects: false });
      const message = Buffer.from('Hello World!\n');
      const signature = session.sign(buildMechanism(describeMechanism('CKM_SHA256_RSA_PKCS', 'sign')), keys.privateKey!, message);
      assert.ok(createVerify('sha256').update(message).verify(exportPublicKey(session, keys.publicKey!), signature));
    } finally {
      session.close();
    }
  });
});
