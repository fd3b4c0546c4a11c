import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pkcs11js from 'pkcs11js';

import { HarnessError } from '../../core/errors.js';
import { buildMechanism, describeMechanism } from '../../src/pkcs11/mechanisms.js';
import { digest } from '../../src/crypto/hashes.js';
import { tokenInput, signedMessage } from '../../src/pkcs11/signing-input.js';

describe('mechanism parameters', () => {
  it('gives PSS the mechanism hash, MGF1 with the same hash and a salt as long as the hash', () => {
    const pss = buildMechanism(describeMechanism('CKM_SHA384_RSA_PKCS_PSS', 'sign'));
    assert.deepEqual(pss.native, {
      mechanism: pkcs11js.CKM_SHA384_RSA_PKCS_PSS,
      parameter: { type: pkcs11js.CK_PARAMS_RSA_PSS, hashAlg: pkcs11js.CKM_SHA384, mgf: pkcs11js.CKG_MGF1_SHA384, saltLen: 48 },
    });
  });

  it('gives raw PSS the hash of the host digest, and refuses it without one', () => {
    const raw = describeMechanism('CKM_RSA_PKCS_PSS', 'sign');
    assert.deepEqual(buildMechanism(raw, { prehash: 'SHA-256' }).native.parameter, {
      type: pkcs11js.CK_PARAMS_RSA_PSS,
      hashAlg: pkcs11js.CKM_SHA256,
      mgf: pkcs11js.CKG_MGF1_SHA256,
      saltLen: 32,
    });
    assert.throws(() => buildMechanism(raw), /signs a digest/);
  });

  it('gives OAEP SHA-1, MGF1-SHA-1 and an empty label by default, or the hash asked for', () => {
    const oaep = describeMechanism('CKM_RSA_PKCS_OAEP', 'encrypt');
    assert.deepEqual(buildMechanism(oaep).native.parameter, { type: pkcs11js.CK_PARAMS_RSA_OAEP, hashAlg: pkcs11js.CKM_SHA_1, mgf: pkcs11js.CKG_MGF1_SHA1, source: 1 });
    assert.deepEqual(buildMechanism(oaep, { oaepHash: 'SHA-256' }).native.parameter, {
      type: pkcs11js.CK_PARAMS_RSA_OAEP,
      hashAlg: pkcs11js.CKM_SHA256,
      mgf: pkcs11js.CKG_MGF1_SHA256,
      source: 1,
    });
    assert.throws(() => buildMechanism(describeMechanism('CKM_RSA_PKCS', 'encrypt'), { oaepHash: 'SHA-256' }), /CKM_RSA_PKCS_OAEP/);
  });

  it('gives parameterless mechanisms no parameter', () => {
    assert.deepEqual(buildMechanism(describeMechanism('CKM_ECDSA', 'sign')).native, { mechanism: pkcs11js.CKM_ECDSA });
    assert.deepEqual(buildMechanism(describeMechanism('CKM_EDDSA', 'sign')).native, { mechanism: 0x1057 });
  });

  it('lists the fitting mechanisms for an unknown or unfit name', () => {
    assert.throws(() => describeMechanism('CKM_SHA256_RSA_PKSC', 'sign'), (e: unknown) => e instanceof HarnessError && /unknown mechanism/.test(e.message) && /CKM_SHA256_RSA_PKCS,/.test(e.message));
    assert.throws(() => describeMechanism('CKM_AES_GCM', 'sign'), /is not a mechanism the harness can use for sign/);
    assert.throws(() => describeMechanism('CKM_SHA256_RSA_PKCS', 'digest'), /CKM_SHA256/);
  });
});

describe('what goes to C_Sign', () => {
  const message = Buffer.from('Hello World!\n');
  it('sends the message to hashing mechanisms, and to raw ones without a host digest', () => {
    assert.deepEqual(tokenInput(describeMechanism('CKM_SHA256_RSA_PKCS', 'sign'), { message, hostHash: 'SHA-256' }), message);
    assert.deepEqual(tokenInput(describeMechanism('CKM_RSA_PKCS', 'sign'), { message, hostHash: undefined }), message);
  });

  it('sends the host digest to CKM_ECDSA, with its DigestInfo to CKM_RSA_PKCS', () => {
    const hashed = digest('SHA-256', message);
    assert.deepEqual(tokenInput(describeMechanism('CKM_ECDSA', 'sign'), { message, hostHash: 'SHA-256' }), hashed);
    const info = tokenInput(describeMechanism('CKM_RSA_PKCS', 'sign'), { message, hostHash: 'SHA-256' });
    assert.equal(info.length, 19 + 32);
    assert.deepEqual(info.subarray(19), hashed);
  });

  it('tells OpenSSL the hash of the mechanism or of the host', () => {
    assert.equal(signedMessage(describeMechanism('CKM_SHA512_RSA_PKCS_PSS', 'sign'), { message, hostHash: undefined }).hash, 'SHA-512');
    assert.equal(signedMessage(describeMechanism('CKM_ECDSA', 'sign'), { message, hostHash: 'SHA-384' }).hash, 'SHA-384');
    assert.throws(() => signedMessage(describeMechanism('CKM_RSA_X_509', 'sign'), { message, hostHash: undefined }), /OpenSSL has no check/);
  });
});
