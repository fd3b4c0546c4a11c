/**
 * The data objects a fresh PIV card holds when its profile does not give them, and the
 * templates the applet answers (SP 800-73-4 part 1 3.1 and 3.3, part 2 3.1.1).
 */
import { encodeTlv } from '../../../../core/apdu/tlv.js';
import { ALG, PIV_AID } from './constants.js';

/** The application property template SELECT answers (SP 800-73-4 part 2 table 3). */
export function applicationPropertyTemplate(label: string): Buffer {
  const algorithms = [ALG.TDES, ALG.AES128, ALG.AES192, ALG.AES256, ALG.RSA1024, ALG.RSA2048, ALG.RSA3072, ALG.ECCP256, ALG.ECCP384];
  return encodeTlv(0x61, [
    // 4F: the PIX with the version (00 00 10 00 01 00).
    encodeTlv(0x4f, PIV_AID.subarray(5)),
    // 79: coexistent tag allocation authority, NIST's RID.
    encodeTlv(0x79, encodeTlv(0x4f, PIV_AID.subarray(0, 5))),
    encodeTlv(0x50, Buffer.from(label, 'latin1')),
    // AC: the algorithms, then 06 00 (the OID of the template, none).
    encodeTlv(0xac, [...algorithms.map((a) => encodeTlv(0x80, Buffer.from([a]))), encodeTlv(0x06, Buffer.alloc(0))]),
  ]);
}

/** The card's X.509 certificate container for a slot: 70 certificate, 71 00 (not compressed), FE (LRC, empty). */
export function certificateContainer(certificateDer: Buffer): Buffer {
  return Buffer.concat([encodeTlv(0x70, certificateDer), encodeTlv(0x71, Buffer.from([0x00])), encodeTlv(0xfe, Buffer.alloc(0))]);
}

/**
 * Card Holder Unique Identifier (SP 800-73-4 part 1 3.1.2): FASC-N, GUID, expiration
 * date, an empty issuer signature, LRC. The FASC-N is the all-nines test value (agency
 * code 9999), which tells middleware (OpenSC) that the card is not issued by a US agency.
 */
export function defaultChuid(guid: Buffer): Buffer {
  const fascN = Buffer.from('D4E739DA739CED39CE739D836858210842108421C84210C3EB', 'hex');
  return Buffer.concat([
    encodeTlv(0x30, fascN),
    encodeTlv(0x34, guid),
    encodeTlv(0x35, Buffer.from('20991231', 'latin1')),
    encodeTlv(0x3e, Buffer.alloc(0)),
    encodeTlv(0xfe, Buffer.alloc(0)),
  ]);
}

/**
 * Card Capability Container (SP 800-73-4 part 1 3.1.1): card identifier (GSC-RID
 * A0 00 00 01 16, manufacturer FF, card type 02 = Java Card... as common PIV cards fill
 * it), container version 21, grammar version 21, and the empty fields the template lists.
 */
export function defaultCcc(cardId: Buffer): Buffer {
  const empty = (tag: number): Buffer => encodeTlv(tag, Buffer.alloc(0));
  return Buffer.concat([
    encodeTlv(0xf0, Buffer.concat([Buffer.from('A000000116FF02', 'hex'), cardId])),
    encodeTlv(0xf1, Buffer.from([0x21])),
    encodeTlv(0xf2, Buffer.from([0x21])),
    empty(0xf3),
    encodeTlv(0xf4, Buffer.from([0x00])),
    encodeTlv(0xf5, Buffer.from([0x10])),
    empty(0xf6),
    empty(0xf7),
    empty(0xfa),
    empty(0xfb),
    empty(0xfc),
    empty(0xfd),
    empty(0xfe),
  ]);
}

/**
 * Discovery object content (SP 800-73-4 part 1 3.3.2): the PIV AID and the PIN usage
 * policy 40 00 (the PIV application PIN only; no global PIN, no OCC).
 */
export function defaultDiscovery(): Buffer {
  return Buffer.concat([encodeTlv(0x4f, PIV_AID), encodeTlv(0x5f2f, Buffer.from([0x40, 0x00]))]);
}

/** Key history object (SP 800-73-4 part 1 3.3.3): no retired keys on or off the card. */
export function defaultKeyHistory(): Buffer {
  return Buffer.concat([encodeTlv(0xc1, Buffer.from([0])), encodeTlv(0xc2, Buffer.from([0])), encodeTlv(0xfe, Buffer.alloc(0))]);
}

/** Printed information (SP 800-73-4 part 1 3.1.4): name, affiliation, expiration, serial, issuer. */
export function defaultPrintedInformation(): Buffer {
  const text = (tag: number, value: string): Buffer => encodeTlv(tag, Buffer.from(value, 'latin1'));
  return Buffer.concat([
    text(0x01, 'CARDSPEC TEST CARDHOLDER'),
    text(0x02, 'TEST'),
    text(0x04, '2099DEC31'),
    text(0x05, 'CARDSPEC-PIV-0001'),
    text(0x06, 'cardspec simulator'),
    encodeTlv(0xfe, Buffer.alloc(0)),
  ]);
}
