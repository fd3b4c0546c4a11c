import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import pkcs11js from 'pkcs11js';
import { parseKeyType } from '../../src/crypto/key-types.js';
import type { Pkcs11Call } from '../../src/pkcs11/calls.js';
import { ensureKeyPair, findByLabel, importKeyPair } from '../../src/pkcs11/key-pairs.js';
import { closePkcs11Modules, openPkcs11Module } from '../../src/pkcs11/module.js';
import { Pkcs11Session, templateTokenFlag } from '../../src/pkcs11/session.js';
import { findToken } from '../../src/pkcs11/token.js';
import { tokenWriteGuard, tokenWriteRisk } from '../../src/pkcs11/write-guard.js';
import { privateKeyComponents } from '../../src/crypto/private-key.js';
import { opensslGenerateKey } from '../../src/crypto/openssl-keys.js';
import { SoftHsmTokens } from '../../src/targets/softhsm.js';
import type { TokenAccess } from '../../src/pkcs11/token.js';

const refused = (pattern: RegExp) => (e: Error & { code?: string }) => {
  assert.equal(e.code, 'CARDSPEC_REFUSED');
  assert.match(e.message, /@destructive/);
  assert.match(e.message, pattern);
  return true;
};

describe('the token-write guard of physical tokens', () => {
  it('lets session objects through and stops token objects, unknown CKA_TOKEN, deletion and initialisation', () => {
    assert.equal(tokenWriteRisk({ call: 'C_CreateObject', tokenObject: false, what: 'x' }), undefined);
    assert.equal(tokenWriteRisk({ call: 'C_SetAttributeValue', tokenObject: false, what: 'x' }), undefined);
    assert.match(tokenWriteRisk({ call: 'C_CreateObject', tokenObject: true, what: 'the private key "k"' })!, /the private key "k" is a token object and would stay/);
    assert.match(tokenWriteRisk({ call: 'C_SetAttributeValue', tokenObject: undefined, what: 'CKA_LABEL of "k"' })!, /may be a token object/);
    assert.match(tokenWriteRisk({ call: 'C_DestroyObject', tokenObject: true, what: 'x' })!, /deleted for good/);
    assert.match(tokenWriteRisk({ call: 'C_InitToken', tokenObject: false, what: 'x' })!, /erase every object/);
    assert.match(tokenWriteRisk({ call: 'C_SetPIN', tokenObject: true, what: "the token's PIN" })!, /C_SetPIN would set the token's PIN for good/);
    assert.match(tokenWriteRisk({ call: 'C_InitPIN', tokenObject: false, what: 'the user PIN' })!, /C_InitPIN would set the user PIN for good/);
  });

  it('refuses unless the scenario is @destructive', () => {
    const write = { call: 'C_GenerateKeyPair', tokenObject: true, what: 'the key pair "k"' } as const;
    assert.throws(() => tokenWriteGuard(() => false)(write), refused(/the key pair "k" is a token object/));
    tokenWriteGuard(() => true)(write);
  });

  it('reads CKA_TOKEN from a template as PKCS#11 defines it: absent is false', () => {
    assert.equal(templateTokenFlag([{ type: pkcs11js.CKA_LABEL, value: 'k' }]), false);
    assert.equal(templateTokenFlag([{ type: pkcs11js.CKA_TOKEN, value: true }]), true);
    assert.equal(templateTokenFlag([{ type: pkcs11js.CKA_TOKEN, value: Buffer.from([1]) }]), true);
    assert.equal(templateTokenFlag([{ type: pkcs11js.CKA_TOKEN, value: 'yes' }]), undefined);
  });
});

/** The guard in the session layer, against a real SoftHSM token: nothing reaches the token. */
describe('the token-write guard on a SoftHSM token', () => {
  const tokens = new SoftHsmTokens();
  const log: Pkcs11Call[] = [];
  let access: TokenAccess;
  let session: Pkcs11Session;
  let destructive = false;

  before(async () => {
    access = await tokens.token('write-guard');
    const token = findToken(openPkcs11Module(access, log), access.label, log);
    token.writeGuard = tokenWriteGuard(() => destructive);
    session = Pkcs11Session.open(token);
    session.login('user', access.userPin);
  });

  after(async () => {
    const dir = access.env.SOFTHSM2_CONF;
    closePkcs11Modules();
    await tokens.dispose();
    assert.ok(dir && !existsSync(dir));
  });

  it('refuses an OpenSSL import as token objects, and lets it through as session objects', async () => {
    const key = privateKeyComponents(await opensslGenerateKey(parseKeyType('EC-P256')));
    const calls = log.length;
    assert.throws(() => importKeyPair(session, 'imported', key, { tokenObjects: true }), refused(/the public key "imported" is a token object/));
    assert.equal(log.slice(calls).filter((c) => c.functionName === 'C_CreateObject').length, 0, 'no C_CreateObject reached the token');
    assert.equal(findByLabel(session, 'imported').length, 0);
    importKeyPair(session, 'imported-session', key, { tokenObjects: false });
    assert.equal(findByLabel(session, 'imported-session').length, 2);
  });

  it('refuses generated token key pairs, attribute writes and deletion of token objects; @destructive allows them', async () => {
    await assert.rejects(ensureKeyPair(session, 'kept', parseKeyType('EC-P256'), { tokenObjects: true }), refused(/the key pair "kept"/));
    destructive = true;
    const keys = await ensureKeyPair(session, 'kept', parseKeyType('EC-P256'), { tokenObjects: true });
    destructive = false;
    assert.equal(session.isTokenObject(keys.publicKey!), true);
    assert.throws(() => session.setAttributes(keys.publicKey!, [{ type: pkcs11js.CKA_LABEL, value: 'renamed' }], 'CKA_LABEL of "kept"'), refused(/CKA_LABEL of "kept" is a token object/));
    assert.throws(() => session.destroyObject(keys.publicKey!, 'the public key "kept"'), refused(/deleted for good/));
    assert.equal(findByLabel(session, 'kept').length, 2, 'the token still holds both keys, unrenamed');
    destructive = true;
    for (const object of findByLabel(session, 'kept')) session.destroyObject(object);
    destructive = false;
    assert.equal(findByLabel(session, 'kept').length, 0);
  });

  it('lets attribute writes on session objects through', async () => {
    const keys = await ensureKeyPair(session, 'temporary', parseKeyType('EC-P256'), { tokenObjects: false });
    session.setAttributes(keys.publicKey!, [{ type: pkcs11js.CKA_LABEL, value: 'temporary-renamed' }]);
    assert.equal(findByLabel(session, 'temporary-renamed').length, 1);
  });

  it('refuses a copy that would be a token object (CKA_TOKEN of the template, else of the original)', async () => {
    const keys = await ensureKeyPair(session, 'original', parseKeyType('EC-P256'), { tokenObjects: false });
    const calls = log.length;
    assert.throws(() => session.copyObject(keys.publicKey!, [{ type: pkcs11js.CKA_TOKEN, value: true }, { type: pkcs11js.CKA_LABEL, value: 'copied' }], 'the public key "copied"'), refused(/the public key "copied" is a token object and would stay \(C_CopyObject\)/));
    assert.equal(log.slice(calls).filter((c) => c.functionName === 'C_CopyObject').length, 0, 'no C_CopyObject reached the token');
    session.copyObject(keys.publicKey!, [{ type: pkcs11js.CKA_LABEL, value: 'copied-session' }]);
    assert.equal(findByLabel(session, 'copied-session').length, 1);
    destructive = true;
    const kept = await ensureKeyPair(session, 'kept-original', parseKeyType('EC-P256'), { tokenObjects: true });
    destructive = false;
    assert.throws(() => session.copyObject(kept.publicKey!, [{ type: pkcs11js.CKA_LABEL, value: 'kept-copy' }]), refused(/is a token object/));
    assert.equal(findByLabel(session, 'kept-copy').length, 0);
  });

  it('refuses PIN changes, which reach no token; @destructive allows them', () => {
    const calls = log.length;
    assert.throws(() => session.setPin(access.userPin, '8765'), refused(/C_SetPIN would set the token's PIN for good/));
    assert.throws(() => session.initPin('8765'), refused(/C_InitPIN would set the user PIN for good/));
    assert.deepEqual(log.slice(calls).map((c) => c.functionName).filter((name) => name.includes('PIN')), [], 'no C_SetPIN or C_InitPIN reached the token');
    destructive = true;
    session.setPin(access.userPin, '8765');
    session.setPin('8765', access.userPin);
    destructive = false;
    assert.deepEqual(log.slice(calls).filter((c) => c.functionName === 'C_SetPIN').map((c) => c.result), ['CKR_OK', 'CKR_OK']);
  });

  it('refuses token initialisation', () => {
    assert.throws(() => session.token.initialize('5678', 'wiped'), refused(/C_InitToken would erase/));
  });
});
