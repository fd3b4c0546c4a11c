import assert from 'node:assert/strict';
import { X509Certificate, createCipheriv, createDecipheriv, createECDH, createPublicKey, createHash, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseTlv, encodeTlv, findTag } from '../../core/apdu/tlv.js';
import { packageRoot } from '../../core/paths.js';
import type { VirtualCard } from '../../simulator/card/virtual-card.js';
import { freshCard, send, sw } from './helpers.js';

/** The PIV applet at the APDU level (SP 800-73-4 part 2), on cards of the piv profile. */
const PROFILE_DIR = join(packageRoot(), 'simulator/profiles/piv');
const MGMT_KEY = Buffer.from('010203040506070801020304050607080102030405060708', 'hex');
const hex = (b: Buffer): string => b.toString('hex').toUpperCase().replace(/(..)(?!$)/g, '$1 ');

function pivCard(): VirtualCard {
  const card = freshCard('piv');
  assert.equal(sw(card, '00 A4 04 00 09 A0 00 00 03 08 00 00 10 00 00'), '9000');
  return card;
}

function data(card: VirtualCard, apdu: string): Buffer {
  const r = send(card, apdu);
  assert.equal(r.sw, '9000', `${apdu} answered ${r.sw}`);
  return Buffer.from(r.data.replace(/ /g, ''), 'hex');
}

/** The whole answer, collected with GET RESPONSE while the card says 61xx. */
function collect(card: VirtualCard, apdu: string): Buffer {
  let r = send(card, apdu);
  let out = r.data;
  while (r.sw.startsWith('61')) {
    r = send(card, `00 C0 00 00 ${r.sw.slice(2)}`);
    out = `${out} ${r.data}`;
  }
  assert.equal(r.sw, '9000', `${apdu} answered ${r.sw}`);
  return Buffer.from(out.replace(/ /g, ''), 'hex');
}

/** Sends a command with any data length as an extended APDU (Le 0000). */
function extended(card: VirtualCard, header: string, body: Buffer): { data: Buffer; sw: string } {
  const lc = Buffer.alloc(3);
  lc.writeUInt16BE(body.length, 1);
  const r = send(card, `${header} ${hex(lc)} ${hex(body)} 00 00`);
  return { data: Buffer.from(r.data.replace(/ /g, ''), 'hex'), sw: r.sw };
}

function ecb(cipher: 'encrypt' | 'decrypt', block: Buffer): Buffer {
  const c = cipher === 'encrypt' ? createCipheriv('des-ede3', MGMT_KEY, null) : createDecipheriv('des-ede3', MGMT_KEY, null);
  c.setAutoPadding(false);
  return Buffer.concat([c.update(block), c.final()]);
}

/** Mutual authentication with the management key (witness, then challenge), as yubico-piv-tool does it. */
function authenticate(card: VirtualCard): void {
  const witness = findTag(data(card, '00 87 03 9B 04 7C 02 80 00 00'), '80')!.value;
  const challenge = Buffer.from('0011223344556677', 'hex');
  const body = encodeTlv(0x7c, [encodeTlv(0x80, ecb('decrypt', witness)), encodeTlv(0x81, challenge)]);
  const answer = data(card, `00 87 03 9B ${hex(Buffer.from([body.length]))} ${hex(body)} 00`);
  assert.deepEqual(findTag(answer, '82')!.value, ecb('encrypt', challenge));
}

const PIN = '08 31 32 33 34 35 36 FF FF';

function sign(card: VirtualCard, alg: string, slot: string, input: Buffer): { data: Buffer; sw: string } {
  const body = encodeTlv(0x7c, [encodeTlv(0x82, Buffer.alloc(0)), encodeTlv(0x81, input)]);
  return extended(card, `00 87 ${alg} ${slot}`, body);
}

describe('PIV applet', () => {
  it('SELECT by the AID or its truncated forms answers the application property template', () => {
    for (const aid of ['A0 00 00 03 08', 'A0 00 00 03 08 00 00 10 00', 'A0 00 00 03 08 00 00 10 00 01 00']) {
      const card = freshCard('piv');
      const n = aid.split(' ').length.toString(16).padStart(2, '0');
      const apt = data(card, `00 A4 04 00 ${n} ${aid} 00`);
      const top = parseTlv(apt)[0]!;
      assert.equal(top.tagHex, '61');
      assert.equal(hex(findTag(apt, '4F')!.value), '00 00 10 00 01 00');
      assert.ok(findTag(apt, 'AC'), 'algorithms listed');
    }
    assert.equal(sw(freshCard('piv'), '00 CB 3F FF 03 5C 01 7E 00'), '6D00', 'no GET DATA before the PIV application is selected');
  });

  it('GET DATA: discovery object, CHUID, CCC, key history, certificates; 6A82 for what is absent', () => {
    const card = pivCard();
    const discovery = data(card, '00 CB 3F FF 03 5C 01 7E 00');
    assert.equal(hex(discovery), '7E 12 4F 0B A0 00 00 03 08 00 00 10 00 01 00 5F 2F 02 40 00');
    for (const tag of ['5F C1 02', '5F C1 07', '5F C1 0C']) assert.equal(data(card, `00 CB 3F FF 05 5C 03 ${tag} 00`)[0], 0x53, tag);
    for (const [tag, file] of [['5F C1 05', '9a-cert.pem'], ['5F C1 0A', '9c-cert.pem']] as const) {
      const obj = extended(card, '00 CB 3F FF', Buffer.from(`5C03${tag.replace(/ /g, '')}`, 'hex'));
      assert.equal(obj.sw, '9000');
      const cert = new X509Certificate(readFileSync(join(PROFILE_DIR, file)));
      assert.deepEqual(findTag(parseTlv(obj.data)[0]!.value, '70')!.value, Buffer.from(cert.raw), file);
    }
    assert.equal(sw(card, '00 CB 3F FF 05 5C 03 5F C1 0B 00'), '6A82', 'no certificate in 9D');
    assert.equal(sw(card, '00 CB 3F FF 05 5C 03 5F C1 09 00'), '6982', 'printed information needs the PIN');
    assert.equal(sw(card, '00 CB 3F FF 05 5C 03 00 00 01 00'), '6A82', 'not a PIV object');
    assert.equal(sw(card, '00 CB 3F FF 03 5C 03 5F'), '6A80', 'broken TLV');
  });

  it('long answers: 256 bytes at most without Le, then 61xx and GET RESPONSE', () => {
    const card = pivCard();
    const first = send(card, '00 CB 3F FF 05 5C 03 5F C1 05');
    assert.equal(first.sw.slice(0, 2), '61');
    assert.equal(first.data.split(' ').length, 256);
    let rest = send(card, '00 C0 00 00 00');
    while (rest.sw.startsWith('61')) rest = send(card, `00 C0 00 00 ${rest.sw.slice(2)}`);
    assert.equal(rest.sw, '9000');
  });

  it('VERIFY: status, wrong PINs count down, the third blocks (6983); the PUK unblocks; P1 FF logs out', () => {
    const card = pivCard();
    assert.equal(sw(card, '00 20 00 80'), '63C3');
    assert.equal(sw(card, '00 20 00 80 08 31 31 31 31 31 31 FF FF'), '63C2');
    assert.equal(sw(card, '00 20 00 80 06 31 32 33 34 35 36'), '6A80', 'not a PIN block: no try spent');
    assert.equal(sw(card, '00 20 00 80 08 31 31 31 31 31 31 FF FF'), '63C1');
    assert.equal(sw(card, '00 20 00 80 08 31 31 31 31 31 31 FF FF'), '6983');
    assert.equal(sw(card, `00 20 00 80 ${PIN}`), '6983', 'blocked: even the right PIN');
    assert.equal(sw(card, '00 20 00 80'), '6983');
    assert.equal(sw(card, '00 2C 00 80 10 31 31 31 31 31 31 31 31 36 35 34 33 32 31 FF FF'), '63C2', 'wrong PUK');
    assert.equal(sw(card, '00 2C 00 80 10 31 32 33 34 35 36 37 38 36 35 34 33 32 31 FF FF'), '9000');
    assert.equal(sw(card, '00 20 00 80 08 36 35 34 33 32 31 FF FF'), '9000');
    assert.equal(sw(card, '00 20 00 80'), '9000');
    assert.equal(sw(card, '00 20 FF 80'), '9000');
    assert.equal(sw(card, '00 20 00 80'), '63C3');
    assert.equal(sw(card, '00 20 00 00 08 31 32 33 34 35 36 FF FF'), '6A88', 'no global PIN');
  });

  it('CHANGE REFERENCE DATA of PIN and PUK; a new value of fewer than 6 bytes is refused', () => {
    const card = pivCard();
    assert.equal(sw(card, '00 24 00 80 10 31 32 33 34 35 36 FF FF 31 32 33 FF FF FF FF FF'), '6A80');
    assert.equal(sw(card, '00 24 00 80 10 31 32 33 34 35 36 FF FF 39 38 37 36 35 34 33 FF'), '9000');
    assert.equal(sw(card, `00 20 00 80 ${PIN}`), '63C2');
    assert.equal(sw(card, '00 24 00 81 10 31 32 33 34 35 36 37 38 38 37 36 35 34 33 32 31'), '9000');
    assert.equal(sw(card, '00 2C 00 80 10 38 37 36 35 34 33 32 31 31 32 33 34 35 36 FF FF'), '9000');
    assert.equal(sw(card, `00 20 00 80 ${PIN}`), '9000');
  });

  it('a 6983 or 63C0 blocking try is profile data', () => {
    const card = freshCard(join(packageRoot(), 'test/fixtures/piv-63c0.yaml'));
    send(card, '00 A4 04 00 05 A0 00 00 03 08 00');
    assert.equal(sw(card, '00 20 00 80 08 31 31 31 31 31 31 FF FF'), '63C2');
    assert.equal(sw(card, '00 20 00 80 08 31 31 31 31 31 31 FF FF'), '63C1');
    assert.equal(sw(card, '00 20 00 80 08 31 31 31 31 31 31 FF FF'), '63C0');
    assert.equal(sw(card, '00 20 00 80 08 31 31 31 31 31 31 FF FF'), '6983');
  });

  it('management key: mutual and external authentication; wrong answers 6982; P1 must be its algorithm', () => {
    const card = pivCard();
    authenticate(card);
    const challenge = findTag(data(card, '00 87 00 9B 04 7C 02 81 00 00'), '81')!.value;
    const body = encodeTlv(0x7c, encodeTlv(0x82, ecb('encrypt', challenge)));
    assert.equal(sw(card, `00 87 03 9B ${hex(Buffer.from([body.length]))} ${hex(body)}`), '9000');
    data(card, '00 87 03 9B 04 7C 02 81 00 00');
    assert.equal(sw(card, `00 87 03 9B ${hex(Buffer.from([body.length]))} ${hex(body)}`), '6982', 'an old response');
    assert.equal(sw(card, '00 87 08 9B 04 7C 02 80 00 00'), '6A86', 'AES asked of a 3DES key');
    const witnessReply = data(card, '00 87 03 9B 04 7C 02 80 00 00');
    const wrong = encodeTlv(0x7c, [encodeTlv(0x80, findTag(witnessReply, '80')!.value), encodeTlv(0x81, Buffer.alloc(8))]);
    assert.equal(sw(card, `00 87 03 9B ${hex(Buffer.from([wrong.length]))} ${hex(wrong)} 00`), '6982', 'the encrypted witness sent back');
  });

  it('RSA-2048 in 9A: the raw private-key operation, after the PIN', () => {
    const card = pivCard();
    const message = Buffer.from('Hello World!\n');
    const digestInfo = Buffer.concat([Buffer.from('3031300d060960864801650304020105000420', 'hex'), createHash('sha256').update(message).digest()]);
    const block = Buffer.concat([Buffer.from([0, 1]), Buffer.alloc(256 - 3 - digestInfo.length, 0xff), Buffer.from([0]), digestInfo]);
    assert.equal(sign(card, '07', '9A', block).sw, '6982');
    data(card, `00 20 00 80 ${PIN}`);
    assert.equal(sign(card, '11', '9A', block).sw, '6A86', 'wrong algorithm for the slot');
    assert.equal(sign(card, '07', '9A', block.subarray(1)).sw, '6A80', 'not 256 bytes');
    const r = sign(card, '07', '9A', block);
    assert.equal(r.sw, '9000');
    const signature = findTag(r.data, '82')!.value;
    const cert = new X509Certificate(readFileSync(join(PROFILE_DIR, '9a-cert.pem')));
    assert.ok(verify('sha256', message, cert.publicKey, signature));
    assert.equal(sign(card, '07', '9A', block).sw, '9000', 'PIN once: still verified');
  });

  it('ECDSA P-256 in 9C needs the PIN right before each signature', () => {
    const card = pivCard();
    const message = Buffer.from('Hello World!\n');
    const hash = createHash('sha256').update(message).digest();
    data(card, `00 20 00 80 ${PIN}`);
    const r = sign(card, '11', '9C', hash);
    assert.equal(r.sw, '9000');
    const cert = new X509Certificate(readFileSync(join(PROFILE_DIR, '9c-cert.pem')));
    assert.ok(verify('sha256', message, cert.publicKey, findTag(r.data, '82')!.value));
    assert.equal(sign(card, '11', '9C', hash).sw, '6982', 'PIN always');
  });

  it('GENERATE needs the management key; EC P-384 and ECDH in 9D, RSA-2048 in 9E, P-256 via chaining and extended length', () => {
    const card = pivCard();
    assert.equal(sw(card, '00 47 00 9D 05 AC 03 80 01 14 00'), '6982');
    authenticate(card);
    assert.equal(sw(card, '00 47 00 9B 05 AC 03 80 01 14 00'), '6A86');
    assert.equal(sw(card, '00 47 00 9D 05 AC 03 80 01 99 00'), '6A80');
    const generated = extended(card, '00 47 00 9D', Buffer.from('AC03800114', 'hex'));
    assert.equal(generated.sw, '9000');
    const point = findTag(generated.data, '86')!.value;
    assert.equal(point.length, 97);
    // ECDH: the card's shared secret is the host's.
    const host = createECDH('secp384r1');
    host.generateKeys();
    data(card, `00 20 00 80 ${PIN}`);
    const body = encodeTlv(0x7c, [encodeTlv(0x82, Buffer.alloc(0)), encodeTlv(0x85, host.getPublicKey())]);
    const shared = extended(card, '00 87 14 9D', body);
    assert.equal(shared.sw, '9000');
    assert.deepEqual(findTag(shared.data, '82')!.value, host.computeSecret(point));
    // ECDSA P-384 over a SHA-384 hash, checked with the generated public key.
    const hash = createHash('sha384').update('abc').digest();
    const ecSig = findTag(sign(card, '14', '9D', hash).data, '82')!.value;
    const publicKey = createPublicKey({ key: { kty: 'EC', crv: 'P-384', x: point.subarray(1, 49).toString('base64url'), y: point.subarray(49).toString('base64url') }, format: 'jwk' });
    assert.ok(verify('sha384', Buffer.from('abc'), publicKey, ecSig));

    const rsa = extended(card, '00 47 00 9E', Buffer.from('AC03800107', 'hex'));
    assert.equal(rsa.sw, '9000');
    assert.equal(findTag(rsa.data, '81')!.value.length, 256);
    assert.equal(hex(findTag(rsa.data, '82')!.value), '01 00 01');

    // Chained GENERATE (CLA 10 then 00), answered through GET RESPONSE.
    assert.deepEqual(send(card, '10 47 00 9A 02 AC 03'), { data: '', sw: '9000' });
    const chained = send(card, '00 47 00 9A 03 80 01 11 00');
    assert.equal(chained.sw, '9000');
    assert.equal(findTag(Buffer.from(chained.data.replace(/ /g, ''), 'hex'), '86')!.value.length, 65);
  });

  it('PUT DATA: after the management key, in chained pieces; empty content deletes; a new card has its own objects', () => {
    const card = pivCard();
    const content = Buffer.alloc(1000, 0x42);
    const put = Buffer.concat([Buffer.from('5C035FC10B', 'hex'), encodeTlv(0x53, content)]);
    assert.equal(extended(card, '00 DB 3F FF', put).sw, '6982');
    authenticate(card);
    for (let i = 0; i < put.length; i += 255) {
      const piece = put.subarray(i, i + 255);
      const last = i + 255 >= put.length;
      assert.equal(sw(card, `${last ? '00' : '10'} DB 3F FF ${hex(Buffer.from([piece.length]))} ${hex(piece)}`), '9000');
    }
    const read = extended(card, '00 CB 3F FF', Buffer.from('5C035FC10B', 'hex'));
    assert.deepEqual(read.data, encodeTlv(0x53, content));
    assert.equal(sw(card, '00 DB 3F FF 07 5C 03 5F C1 0B 53 00'), '9000');
    assert.equal(sw(card, '00 CB 3F FF 05 5C 03 5F C1 0B 00'), '6A82');
    assert.equal(sw(pivCard(), '00 CB 3F FF 05 5C 03 5F C1 0B 00'), '6A82');
    assert.equal(sw(card, '00 DB 3F FF 07 5C 03 00 00 01 53 00'), '6A80', 'not a PIV object');
  });

  it('a reset forgets the PIN and the management key authentication, not the keys or tries', () => {
    const card = pivCard();
    data(card, `00 20 00 80 ${PIN}`);
    authenticate(card);
    send(card, '00 20 00 80 08 31 31 31 31 31 31 FF FF');
    card.reset();
    send(card, '00 A4 04 00 05 A0 00 00 03 08 00');
    assert.equal(sw(card, '00 20 00 80'), '63C2');
    assert.equal(sw(card, '00 DB 3F FF 07 5C 03 5F C1 0B 53 00'), '6982');
  });

  it('profile mistakes name the file, line and field', () => {
    const fixture = (name: string): string => join(packageRoot(), 'test/fixtures', name);
    assert.throws(() => freshCard(fixture('piv-wrong-cert.yaml')), /piv-wrong-cert\.yaml, line 9, applets\[0\]\.keys\[0\]\.certificate: expected the certificate of the private key of slot 9A, got a certificate for another key/);
    assert.throws(() => freshCard(fixture('piv-typo.yaml')), /piv-typo\.yaml, line 6, applets\[0\]\.pinn: expected one of the fields type, label, pin, puk/);
  });

  it('YubiKey: version, serial, metadata; SET MANAGEMENT KEY; RESET only with PIN and PUK blocked', () => {
    const card = pivCard();
    assert.equal(hex(data(card, '00 FD 00 00 00')), '05 04 03');
    assert.equal(data(card, '00 F8 00 00 00').readUInt32BE(0), 12345678);
    const meta9a = collect(card, '00 F7 00 9A 00');
    assert.equal(findTag(meta9a, '04')?.value.length, 256 + 4 + 5, 'the public key: 81 82 01 00 modulus, 82 03 exponent');
    assert.equal(hex(meta9a.subarray(0, 3)), '01 01 07');
    assert.equal(hex(data(card, '00 F7 00 80 00')), '01 01 FF 05 01 01 06 02 03 03');
    assert.equal(sw(card, '00 F7 00 9D 00'), '6A88', 'empty slot');
    assert.equal(sw(card, '00 FB 00 00'), '6985');
    authenticate(card);
    const aes = Buffer.alloc(16, 0x11);
    assert.equal(sw(card, `00 FF FF FF 13 08 9B 10 ${hex(aes)}`), '9000');
    assert.equal(hex(data(card, '00 F7 00 9B 00').subarray(0, 3)), '01 01 08');
    for (let i = 0; i < 3; i++) send(card, '00 20 00 80 08 31 31 31 31 31 31 FF FF');
    for (let i = 0; i < 3; i++) send(card, '00 2C 00 80 10 31 31 31 31 31 31 31 31 31 32 33 34 35 36 FF FF');
    assert.equal(sw(card, '00 FB 00 00'), '9000');
    assert.equal(sw(card, `00 20 00 80 ${PIN}`), '9000');
    authenticate(card);
  });
});
