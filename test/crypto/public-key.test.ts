import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';

import { curveByName } from '../../src/crypto/curves.js';
import { DerTag, encodeDer } from '../../src/crypto/der.js';
import { privateKeyComponents } from '../../src/crypto/private-key.js';
import { publicKeyFromComponents, spkiDer, spkiPem, unwrapEcPoint } from '../../src/crypto/public-key.js';
import { HarnessError } from '../../core/errors.js';

describe('public key export from token attributes', () => {
  it('rebuilds an RSA key from modulus and exponent (leading zeros ignored)', () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const parts = privateKeyComponents(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    assert.equal(parts.kind, 'rsa');
    if (parts.kind !== 'rsa') return;
    const rebuilt = publicKeyFromComponents({ kind: 'rsa', modulus: Buffer.concat([Buffer.from([0]), parts.modulus]), publicExponent: parts.publicExponent });
    assert.deepEqual(spkiDer(rebuilt), publicKey.export({ type: 'spki', format: 'der' }));
  });

  for (const curve of ['P-256', 'P-384', 'P-521'] as const) {
    it(`rebuilds a ${curve} key from CKA_EC_PARAMS and the DER OCTET STRING of CKA_EC_POINT`, () => {
      const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: curve });
      const parts = privateKeyComponents(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
      assert.equal(parts.kind, 'ec');
      if (parts.kind !== 'ec') return;
      const ecPoint = encodeDer(DerTag.OCTET_STRING, parts.publicPoint);
      const rebuilt = publicKeyFromComponents({ kind: 'ec', ecParams: curveByName(curve).ecParams, ecPoint });
      assert.deepEqual(spkiDer(rebuilt), publicKey.export({ type: 'spki', format: 'der' }));
    });
  }

  it('rebuilds an Ed25519 key, also from the PrintableString form of CKA_EC_PARAMS', () => {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const parts = privateKeyComponents(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    if (parts.kind !== 'ec') return assert.fail('expected an EC key');
    const ecPoint = encodeDer(DerTag.OCTET_STRING, parts.publicPoint);
    const expected = publicKey.export({ type: 'spki', format: 'der' });
    for (const ecParams of [curveByName('Ed25519').ecParams, ...curveByName('Ed25519').otherEcParams]) {
      assert.deepEqual(spkiDer(publicKeyFromComponents({ kind: 'ec', ecParams, ecPoint })), expected);
    }
  });

  it('gives the PEM that openssl reads back to the same key', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const parts = privateKeyComponents(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    if (parts.kind !== 'ec') return assert.fail('expected an EC key');
    const pem = spkiPem(publicKeyFromComponents({ kind: 'ec', ecParams: parts.curve.ecParams, ecPoint: encodeDer(DerTag.OCTET_STRING, parts.publicPoint) }));
    const fromOpenSsl = execFileSync('openssl', ['pkey', '-pubin', '-pubout'], { input: pem }).toString();
    assert.equal(fromOpenSsl, pem);
  });

  it('accepts a bare point, and a bare point that starts like an OCTET STRING', () => {
    const point = Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 1)]);
    assert.deepEqual(unwrapEcPoint(point), point);
    assert.deepEqual(unwrapEcPoint(encodeDer(DerTag.OCTET_STRING, point)), point);
    const looksWrapped = Buffer.from([0x04, 0x02, 0xaa, 0xbb, 0xcc]);
    assert.deepEqual(unwrapEcPoint(looksWrapped), looksWrapped);
  });

  it('names what it cannot export', () => {
    const unknownCurve = encodeDer(DerTag.OBJECT_IDENTIFIER, Buffer.from('2b8104000a', 'hex'));
    assert.throws(() => publicKeyFromComponents({ kind: 'ec', ecParams: unknownCurve, ecPoint: Buffer.alloc(65, 4) }), HarnessError);
    assert.throws(() => publicKeyFromComponents({ kind: 'ec', ecParams: curveByName('P-256').ecParams, ecPoint: Buffer.alloc(33, 2) }), /uncompressed P-256/);
  });
});
