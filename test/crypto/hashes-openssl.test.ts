import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';

import { digest, digestInfo, hashAlgorithm, HASH_NAMES } from '../../src/crypto/hashes.js';
import { parseKeyType } from '../../src/crypto/key-types.js';
import { verifyArgs } from '../../src/crypto/openssl-verify.js';
import { HarnessCodes, HarnessError } from '../../core/errors.js';

describe('hashes', () => {
  it('digests "abc" to the FIPS 180-4 vectors', () => {
    assert.equal(digest('SHA-256', Buffer.from('abc')).toString('hex'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    assert.equal(digest('SHA-1', Buffer.from('abc')).toString('hex'), 'a9993e364706816aba3e25717850c26c9cd0d89d');
  });

  it('prefixes DigestInfo whose DER lengths fit the digest (RFC 8017, 9.2)', () => {
    for (const name of HASH_NAMES) {
      const hash = hashAlgorithm(name);
      const info = digestInfo(name, createHash(hash.nodeName).update('x').digest());
      assert.equal(info[0], 0x30);
      assert.equal(info[1], info.length - 2, `${name}: SEQUENCE length`);
      assert.equal(info[info.length - hash.byteLength - 1], hash.byteLength, `${name}: OCTET STRING length`);
    }
  });

  it('refuses unknown hashes with the list, and digests of the wrong length', () => {
    assert.throws(() => hashAlgorithm('SHA-3'), (e: unknown) => e instanceof HarnessError && e.code === HarnessCodes.UNSUPPORTED && /SHA-1, SHA-224/.test(e.message));
    assert.throws(() => digestInfo('SHA-256', Buffer.alloc(20)), HarnessError);
  });
});

describe('key types', () => {
  it('parses the names of docs/steps.md and lists them for an unknown one', () => {
    assert.deepEqual(parseKeyType('RSA-3072'), { name: 'RSA-3072', kind: 'rsa', modulusBits: 3072 });
    assert.equal(parseKeyType('EC-P384').kind, 'ec');
    assert.throws(() => parseKeyType('RSA-1024'), /RSA-2048, RSA-3072, RSA-4096, EC-P256, EC-P384, Ed25519/);
  });
});

describe('openssl verification commands', () => {
  const message = Buffer.from('m');
  it('uses dgst -verify for hashed RSA PKCS#1 v1.5 and ECDSA', () => {
    assert.equal(verifyArgs({ scheme: 'rsa-pkcs1', hash: 'SHA-256', message }).join(' '), 'dgst -sha256 -verify pub.pem -signature sig.bin msg.txt');
    assert.equal(verifyArgs({ scheme: 'ecdsa', hash: 'SHA-384', message }).join(' '), 'dgst -sha384 -verify pub.pem -signature sig.bin msg.txt');
  });

  it('adds the PSS options with the salt as long as the digest', () => {
    assert.equal(
      verifyArgs({ scheme: 'rsa-pss', hash: 'SHA-512', message }).join(' '),
      'dgst -sha512 -verify pub.pem -signature sig.bin -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:digest msg.txt',
    );
  });

  it('uses pkeyutl for raw data and -rawin for EdDSA', () => {
    assert.equal(verifyArgs({ scheme: 'rsa-pkcs1', hash: undefined, message }).join(' '), 'pkeyutl -verify -pubin -inkey pub.pem -sigfile sig.bin -in msg.txt');
    assert.equal(verifyArgs({ scheme: 'eddsa', hash: undefined, message }).join(' '), 'pkeyutl -verify -pubin -inkey pub.pem -rawin -in msg.txt -sigfile sig.bin');
  });
});
