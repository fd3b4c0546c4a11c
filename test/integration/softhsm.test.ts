import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createPrivateKey, createVerify, generateKeyPairSync } from 'node:crypto';

import { ecdsaRawToDer } from '../../src/crypto/ecdsa-signature.js';
import { parseKeyType } from '../../src/crypto/key-types.js';
import { spkiPem } from '../../src/crypto/public-key.js';
import type { Pkcs11Call } from '../../src/pkcs11/calls.js';
import { Pkcs11Error } from '../../src/pkcs11/errors.js';
import { ensureKeyPair } from '../../src/pkcs11/key-pairs.js';
import { buildMechanism, describeMechanism } from '../../src/pkcs11/mechanisms.js';
import { closePkcs11Modules, openPkcs11Module } from '../../src/pkcs11/module.js';
import { exportPublicKey } from '../../src/pkcs11/public-key-export.js';
import { Pkcs11Session } from '../../src/pkcs11/session.js';
import { findToken } from '../../src/pkcs11/token.js';
import { SoftHsmTokens } from '../../src/targets/softhsm.js';
import type { TokenAccess } from '../../src/pkcs11/token.js';

/** The layer against a real SoftHSM token in a temporary folder, removed at the end. */
describe('PKCS#11 layer on SoftHSM', () => {
  const tokens = new SoftHsmTokens();
  const log: Pkcs11Call[] = [];
  let access: TokenAccess;
  let session: Pkcs11Session;

  before(async () => {
    access = await tokens.token('integration');
    session = Pkcs11Session.open(findToken(openPkcs11Module(access, log), access.label, log));
    session.login('user', access.userPin);
  });

  after(async () => {
    const dir = access.env.SOFTHSM2_CONF;
    closePkcs11Modules();
    await tokens.dispose();
    assert.ok(dir && !existsSync(dir), 'the token folder is removed');
  });

  it('returns the same token for the same label; a token made while a session is open is not seen until the module is opened again', async () => {
    assert.deepEqual(await tokens.token('integration'), access);
    const later = await tokens.token('made-later');
    const module = openPkcs11Module(later, log);
    // A session is open, so the module cannot re-read its token folder yet.
    assert.throws(() => findToken(module, 'made-later', log), /no token labelled "made-later"/);
  });

  it('signs with RSA PKCS#1 v1.5 and PSS, and node:crypto verifies', async () => {
    const keys = await ensureKeyPair(session, 'rsa', parseKeyType('RSA-2048'), { tokenObjects: false });
    const publicKey = exportPublicKey(session, keys.publicKey!);
    const message = Buffer.from('Hello World!\n');
    const pkcs1 = session.sign(buildMechanism(describeMechanism('CKM_SHA256_RSA_PKCS', 'sign')), keys.privateKey!, message);
    assert.ok(createVerify('sha256').update(message).verify(publicKey, pkcs1));
    const pss = session.sign(buildMechanism(describeMechanism('CKM_SHA256_RSA_PKCS_PSS', 'sign')), keys.privateKey!, message);
    assert.ok(createVerify('sha256').update(message).verify({ key: publicKey, padding: 6, saltLength: 32 }, pss));
    session.verify(buildMechanism(describeMechanism('CKM_SHA256_RSA_PKCS', 'sign')), keys.publicKey!, message, pkcs1);
  });

  it('signs with ECDSA P-256; C_Verify refuses a flipped bit with CKR_SIGNATURE_INVALID', async () => {
    const keys = await ensureKeyPair(session, 'ec', parseKeyType('EC-P256'), { tokenObjects: false });
    const digest = Buffer.alloc(32, 0x5a);
    const ecdsa = buildMechanism(describeMechanism('CKM_ECDSA', 'sign'));
    const signature = session.sign(ecdsa, keys.privateKey!, digest);
    assert.equal(signature.length, 64);
    const pem = spkiPem(exportPublicKey(session, keys.publicKey!));
    assert.match(pem, /^-----BEGIN PUBLIC KEY-----/);
    signature[63]! ^= 1;
    assert.throws(() => session.verify(ecdsa, keys.publicKey!, digest, signature), (e: unknown) => e instanceof Pkcs11Error && e.code === 'CKR_SIGNATURE_INVALID' && e.functionName === 'C_Verify');
    assert.equal(ecdsaRawToDer(signature)[0], 0x30);
  });

  it('refuses a key of another type under an existing label', async () => {
    await assert.rejects(ensureKeyPair(session, 'rsa', parseKeyType('EC-P256'), { tokenObjects: false }), /is RSA-2048, not EC-P256/);
  });

  it('encrypts and decrypts with OAEP', async () => {
    const keys = await ensureKeyPair(session, 'rsa', parseKeyType('RSA-2048'), { tokenObjects: false });
    const oaep = buildMechanism(describeMechanism('CKM_RSA_PKCS_OAEP', 'encrypt'));
    const ciphertext = session.encrypt(oaep, keys.publicKey!, Buffer.from('secret'));
    assert.equal(ciphertext.length, 256);
    assert.equal(session.decrypt(oaep, keys.privateKey!, ciphertext).toString(), 'secret');
  });

  it('leaves no OpenSSL error behind for node:crypto after a failed decryption', async () => {
    const keys = await ensureKeyPair(session, 'rsa', parseKeyType('RSA-2048'), { tokenObjects: false });
    const oaep = buildMechanism(describeMechanism('CKM_RSA_PKCS_OAEP', 'encrypt'));
    const ciphertext = session.encrypt(oaep, keys.publicKey!, Buffer.from('secret'));
    ciphertext[ciphertext.length - 1]! ^= 1;
    assert.throws(() => session.decrypt(oaep, keys.privateKey!, ciphertext), Pkcs11Error);
    const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' });
    assert.doesNotThrow(() => createPrivateKey(pem));
  });

  it('digests (also the empty message) and makes random bytes', () => {
    const sha256 = buildMechanism(describeMechanism('CKM_SHA256', 'digest'));
    assert.equal(session.digest(sha256, Buffer.from('abc')).toString('hex'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    assert.equal(session.digest(sha256, Buffer.alloc(0)).toString('hex'), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    assert.equal(session.random(32).length, 32);
  });

  it('answers CKR_MECHANISM_INVALID listing the offer for a mechanism the token lacks', async () => {
    const keys = await ensureKeyPair(session, 'ec', parseKeyType('EC-P256'), { tokenObjects: false });
    assert.throws(
      () => session.sign(buildMechanism(describeMechanism('CKM_ECDSA_SHA256', 'sign')), keys.privateKey!, Buffer.from('m')),
      (e: unknown) => e instanceof Pkcs11Error && e.code === 'CKR_MECHANISM_INVALID' && /offers for signing: .*CKM_ECDSA,/.test(e.message),
    );
  });

  it('logs every call with its result and never a PIN', () => {
    const login = log.find((c) => c.functionName === 'C_Login');
    assert.equal(login?.result, 'CKR_OK');
    assert.ok(log.some((c) => c.functionName === 'C_Verify' && c.result === 'CKR_SIGNATURE_INVALID' && c.mechanism === 'CKM_ECDSA'));
    assert.ok(!log.map(String).join('\n').includes(access.userPin));
  });

  it('closes the session once, however often it is asked', () => {
    const closes = (): number => log.filter((c) => c.functionName === 'C_CloseSession').length;
    const before = closes();
    session.close();
    session.close();
    assert.equal(closes(), before + 1, 'one C_CloseSession');
    assert.equal(log.filter((c) => c.functionName === 'C_CloseSession').at(-1)?.result, 'CKR_OK');
  });
});
