import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, createVerify } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseKeyType } from '../../src/crypto/key-types.js';
import type { Pkcs11Call } from '../../src/pkcs11/calls.js';
import { ensureKeyPair } from '../../src/pkcs11/key-pairs.js';
import { buildMechanism, describeMechanism, oaepParameters } from '../../src/pkcs11/mechanisms.js';
import { mechanisms } from '../../src/pkcs11/names.js';
import { closePkcs11Modules, openPkcs11Module } from '../../src/pkcs11/module.js';
import { exportPublicKey } from '../../src/pkcs11/public-key-export.js';
import { Pkcs11Session } from '../../src/pkcs11/session.js';
import { findToken } from '../../src/pkcs11/token.js';
import { CONTAINER_LABELS, ContainerTarget } from '../../src/targets/container.js';
import { copyPkcs11ProxyClient } from '../../src/targets/container-host.js';
import { SoftHsmTokens } from '../../src/targets/softhsm.js';
import type { TokenAccess } from '../../src/pkcs11/token.js';
import { ApduTrace } from '../../src/trace/trace.js';

/** Every container of the project that exists (running or not), as `name label-value` lines. */
const ourContainers = (): string[] =>
  execFileSync('docker', ['ps', '--all', '--filter', `label=${CONTAINER_LABELS.project}=cardspec`, '--format', '{{.Names}}'], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean);

/** The host pid of the pcscd in container `id`, as `docker top` lists it. */
const containerPcscdPid = (id: string): string => {
  const top = execFileSync('docker', ['top', id, '-o', 'pid,comm'], { encoding: 'utf8' });
  const pid = /^\s*(\d+)\s+pcscd$/m.exec(top)?.[1];
  assert.ok(pid, `the container runs a pcscd:\n${top}`);
  return pid;
};

const hex = (text: string): Buffer => Buffer.from(text.replace(/\s/g, ''), 'hex');

/**
 * The container target end to end: the image (built or reused), a container from
 * testcontainers, PC/SC through the bind-mounted pcscd socket, PKCS#11 through caml-crush's
 * client module (every mechanism SoftHSM offers, with its parameters), and nothing of ours
 * left in Docker afterwards.
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

  it("restarts the container's pcscd: the old connection has no service, a new one answers, the token signs on", async () => {
    const old = await target.insertCard('iso7816-demo', trace);
    assert.equal((await old.transmit(hex('00 A4 00 0C 02 00 01'))).sw, 0x9000);
    const access = await target.token('container-restart');
    const session = Pkcs11Session.open(findToken(openPkcs11Module(access, log), access.label, log));
    try {
      session.login('user', access.userPin);
      const keys = await ensureKeyPair(session, 'signer', parseKeyType('EC-P256'), { tokenObjects: false });
      const pcscdBefore = containerPcscdPid(target.started.getId());
      await target.restartPcscd();
      assert.notEqual(containerPcscdPid(target.started.getId()), pcscdBefore, 'another pcscd process serves the readers');
      await assert.rejects(old.transmit(hex('00 B0 00 00 00')), { code: 'SCARD_E_NO_SERVICE' });
      // The card went back in its reader: the new pcscd reports it before any insertion.
      assert.equal(target.pcsc.listReaders().find((r) => r.name === 'Virtual PCD 00 00')?.present, true);
      const card = await target.insertCard('iso7816-demo', trace);
      assert.notEqual(card, old);
      assert.equal((await card.transmit(hex('00 A4 00 0C 02 00 01'))).sw, 0x9000);
      assert.equal((await card.transmit(hex('00 B0 00 00 00'))).data.toString('utf8'), 'Hello World!\n');
      // pkcs11proxyd is no child of pcscd: the session of before signs on.
      const message = Buffer.from('Hello World!\n');
      const signature = session.sign(buildMechanism(describeMechanism('CKM_ECDSA', 'sign')), keys.privateKey!, createHash('sha256').update(message).digest());
      assert.equal(signature.length, 64);
    } finally {
      session.close();
    }
  });

  it('signs with a token in the container through the PKCS#11 proxy, and node:crypto verifies', async () => {
    const access = await target.token('container-it');
    assert.match(access.modulePath, /libp11clientunix\.so$/);
    assert.equal(access.env.PKCS11PROXY_SOCKET_PATH, `${socketDir}/pkcs11proxy.sock`);
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

  it("reaches the token through the image's copy of the proxy client, for hosts without caml-crush-clients", async () => {
    const access = await target.token('container-it');
    const cache = mkdtempSync(join(tmpdir(), 'cardspec-client-cache-'));
    try {
      const copied = copyPkcs11ProxyClient(target.started.image, cache);
      assert.ok(copied.startsWith(cache) && copied.endsWith('/libp11clientunix.so'));
      assert.equal(copyPkcs11ProxyClient(target.started.image, cache), copied, 'copied once per image');
      // In another process: a process keeps the proxy client it loaded first.
      const listed = execFileSync('pkcs11-tool', ['--module', copied, '--list-token-slots'], { encoding: 'utf8', env: { ...process.env, ...access.env } });
      assert.match(listed, /token label\s*: container-it/);
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  });

  it('offers every mechanism, with the same flags and key sizes, that SoftHSM offers loaded directly', async () => {
    const direct = new SoftHsmTokens();
    try {
      const viaProxy = await target.token('container-it');
      const local = await direct.token('direct-it');
      const list = (access: TokenAccess) => {
        const token = findToken(openPkcs11Module(access, log), access.label, log);
        return [...token.module.mechanisms(token.slot, log)].map(([type, info]) => `${mechanisms.name(type)} ${info.flags} ${info.minKeySize}-${info.maxKeySize}`).sort();
      };
      const proxied = list(viaProxy);
      assert.ok(proxied.length >= 60, `SoftHSM 2.6 offers some 70 mechanisms; the proxy passed on ${proxied.length}`);
      for (const name of ['CKM_EDDSA', 'CKM_EC_EDWARDS_KEY_PAIR_GEN', 'CKM_SHA256_RSA_PKCS_PSS', 'CKM_SHA224']) {
        assert.ok(proxied.some((line) => line.startsWith(`${name} `)), `${name} crosses the proxy`);
      }
      assert.deepEqual(proxied, list(local));
    } finally {
      closePkcs11Modules();
      await direct.dispose();
    }
  });

  it('carries pointer parameters: an OAEP label answers through the proxy as SoftHSM answers it directly', async () => {
    const direct = new SoftHsmTokens();
    try {
      const outcome = async (access: TokenAccess): Promise<string> => {
        const session = Pkcs11Session.open(findToken(openPkcs11Module(access, log), access.label, log));
        try {
          session.login('user', access.userPin);
          const keys = await ensureKeyPair(session, 'oaep', parseKeyType('RSA-2048'), { tokenObjects: false });
          const api = session.token.module.native;
          const base = oaepParameters('SHA-1');
          const results: string[] = [];
          for (const label of [undefined, Buffer.from('a label')]) {
            const mechanism = { mechanism: mechanisms.value('CKM_RSA_PKCS_OAEP'), parameter: { ...base, ...(label ? { sourceData: label } : {}) } };
            try {
              api.C_EncryptInit(session.handle, mechanism, keys.publicKey!);
              const cipher = api.C_Encrypt(session.handle, Buffer.from('secret'), Buffer.alloc(256));
              api.C_DecryptInit(session.handle, mechanism, keys.privateKey!);
              results.push(`label ${label ? 'set' : 'none'}: ${api.C_Decrypt(session.handle, cipher, Buffer.alloc(256)).toString()}`);
            } catch (error) {
              results.push(`label ${label ? 'set' : 'none'}: ${(error as Error).message.split(':')[0]}`);
            }
          }
          return results.join('; ');
        } finally {
          session.close();
        }
      };
      const proxied = await outcome(await target.token('container-it'));
      assert.match(proxied, /^label none: secret;/);
      assert.equal(proxied, await outcome(await direct.token('direct-oaep')));
    } finally {
      closePkcs11Modules();
      await direct.dispose();
    }
  });
});
