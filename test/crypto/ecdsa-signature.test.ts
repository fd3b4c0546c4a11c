import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createSign, createVerify, generateKeyPairSync } from 'node:crypto';

import { DerError } from '../../src/crypto/der.js';
import { ecdsaDerToRaw, ecdsaRawToDer } from '../../src/crypto/ecdsa-signature.js';

const hex = (text: string) => Buffer.from(text.replace(/\s+/g, ''), 'hex');

describe('ECDSA r||s and DER', () => {
  it('encodes plain components as two INTEGERs in a SEQUENCE', () => {
    const raw = Buffer.concat([Buffer.alloc(31, 0x11), Buffer.from([0x22]), Buffer.alloc(32, 0x33)]);
    const der = ecdsaRawToDer(raw);
    assert.equal(der.toString('hex'), '3044' + '0220' + raw.subarray(0, 32).toString('hex') + '0220' + raw.subarray(32).toString('hex'));
  });

  it('adds a 00 before a component whose high bit is set', () => {
    const raw = Buffer.concat([Buffer.alloc(32, 0x80), Buffer.alloc(32, 0x01)]);
    const der = ecdsaRawToDer(raw);
    assert.deepEqual(der.subarray(0, 5), hex('30 45 02 21 00'));
    assert.deepEqual(ecdsaDerToRaw(der, 32), raw);
  });

  it('drops leading zero bytes of a component, and puts them back', () => {
    const raw = Buffer.concat([hex('00 00 7F'), Buffer.alloc(29, 0x05), hex('00'), Buffer.alloc(31, 0x06)]);
    const der = ecdsaRawToDer(raw);
    assert.deepEqual(der.subarray(0, 5), hex('30 41 02 1E 7F'));
    assert.deepEqual(ecdsaDerToRaw(der, 32), raw);
  });

  it('encodes a zero component as INTEGER 0', () => {
    assert.deepEqual(ecdsaRawToDer(Buffer.alloc(64)), hex('30 06 02 01 00 02 01 00'));
  });

  it('uses the long length form for P-521 signatures', () => {
    const raw = Buffer.concat([hex('01'), Buffer.alloc(65, 0xff), hex('01'), Buffer.alloc(65, 0xee)]);
    const der = ecdsaRawToDer(raw);
    assert.deepEqual(der.subarray(0, 3), hex('30 81 88'));
    assert.deepEqual(ecdsaDerToRaw(der, 66), raw);
  });

  it('matches what node:crypto signs and verifies (P-384)', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    const message = Buffer.from('Hello World!\n');
    const der = createSign('sha384').update(message).sign(privateKey);
    const raw = ecdsaDerToRaw(der, 48);
    assert.equal(raw.length, 96);
    assert.ok(createVerify('sha384').update(message).verify(publicKey, ecdsaRawToDer(raw)));
    assert.ok(createVerify('sha384').update(message).verify({ key: publicKey, dsaEncoding: 'ieee-p1363' }, raw));
  });

  it('refuses odd lengths, trailing bytes and components too wide', () => {
    assert.throws(() => ecdsaRawToDer(Buffer.alloc(63)), DerError);
    assert.throws(() => ecdsaDerToRaw(hex('30 06 02 01 01 02 01 01 00'), 32), DerError);
    assert.throws(() => ecdsaDerToRaw(ecdsaRawToDer(Buffer.alloc(64, 0x7f)), 16), DerError);
  });
});
