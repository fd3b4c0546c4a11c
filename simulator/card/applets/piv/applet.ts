/**
 * The PIV card application (NIST SP 800-73-4 part 2), as the card OS runs it next to
 * the ISO 7816-4 file system: what OpenSC's PIV driver, yubico-piv-tool and libykcs11
 * send. The YubiKey extensions (version, serial, metadata, management key, reset,
 * retries) answer only when the profile has a `yubikey:` part. docs/piv.md lists the
 * choices made where SP 800-73-4 leaves room.
 */
import { randomBytes } from 'node:crypto';
import type { CommandApdu } from '../../../../core/apdu/apdu.js';
import { type TlvNode, encodeTlv, parseTlv } from '../../../../core/apdu/tlv.js';
import type { Applet } from '../../applet.js';
import { type CardContext, EMPTY, type Reply, ok } from '../../context.js';
import { Secret } from '../../pins.js';
import { SW, fail } from '../../sw.js';
import type { PivConfig } from './config.js';
import { DEFAULT_PIN_POLICY, FACTORY_MANAGEMENT_KEY, FACTORY_PIN, FACTORY_PUK } from './config.js';
import {
  CERT_OBJECT_OF_SLOT,
  INS,
  KEY,
  PIN_BLOCK_BYTES,
  PIN_PROTECTED_OBJECTS,
  PIV_AID,
  PIV_OBJECTS,
  PIV_SW,
  SELF_TAGGED_OBJECTS,
  YUBICO_OBJECTS,
} from './constants.js';
import { ASYMMETRIC_ALGORITHMS, PIN_POLICY_CODE, type PinPolicy, SlotKey, algorithmOf, readPrivateKey } from './keys.js';
import { ManagementKey, managementKeyBytes } from './management-key.js';
import { applicationPropertyTemplate } from './objects.js';

/** A management-key exchange half done: what the card sent and expects back. */
type PendingAuthentication = { kind: 'witness'; witness: Buffer } | { kind: 'challenge'; challenge: Buffer };

/** What a reset or power cycle forgets. */
interface PivSession {
  pinVerified: boolean;
  /** VERIFY succeeded and no "PIN always" key has been used since. */
  pinFresh: boolean;
  managementAuthenticated: boolean;
  pending: PendingAuthentication | undefined;
}

function newSession(): PivSession {
  return { pinVerified: false, pinFresh: false, managementAuthenticated: false, pending: undefined };
}

/** BER-TLV of a command's data; anything else answers 6A80. */
function tlv(data: Buffer): TlvNode[] {
  try {
    return parseTlv(data);
  } catch {
    return fail(PIV_SW.WRONG_DATA, 'the data field is not BER-TLV');
  }
}

function child(node: TlvNode, tag: number): TlvNode | undefined {
  return node.children?.find((c) => c.tag === tag);
}

/** The one top-level template `tag` of a data field (7C, AC...). */
function template(data: Buffer, tag: number): TlvNode {
  const nodes = tlv(data);
  const node = nodes.find((n) => n.tag === tag);
  if (node === undefined || node.children === undefined) fail(PIV_SW.WRONG_DATA, `template ${tag.toString(16).toUpperCase()} expected`);
  return node;
}

/** A data object's tag from 5C (GET DATA, PUT DATA). */
function objectTag(node: TlvNode | undefined): number {
  if (node === undefined || node.tag !== 0x5c || node.value.length < 1 || node.value.length > 3) fail(PIV_SW.WRONG_DATA, 'tag list 5C with one object tag expected');
  return node.value.readUIntBE(0, node.value.length);
}

export class PivApplet implements Applet {
  readonly name = 'PIV';
  readonly aid = PIV_AID;
  readonly chaining = true;
  private readonly config: PivConfig;
  private pin!: Secret;
  private puk!: Secret;
  private managementKey!: ManagementKey;
  private keys!: Map<number, SlotKey>;
  private objects!: Map<number, Buffer>;
  private session = newSession();

  constructor(config: PivConfig) {
    this.config = config;
    this.factoryState();
  }

  /** The card as the profile makes it (also what YubiKey's RESET goes back to). */
  private factoryState(): void {
    const c = this.config;
    this.pin = new Secret(c.pin.value, c.pin.tries, c.blockingTry);
    this.puk = new Secret(c.puk.value, c.puk.tries, c.blockingTry);
    this.managementKey = new ManagementKey(c.managementKey.algorithm, c.managementKey.value);
    this.keys = new Map(
      c.keys.map((k) => {
        const key = readPrivateKey(k.privateKey);
        return [k.slot, new SlotKey(key, algorithmOf(key) as number, k.pinPolicy, 'imported')];
      }),
    );
    this.objects = new Map([...c.objects].map(([tag, content]) => [tag, Buffer.from(content)]));
    this.session = newSession();
  }

  reset(): void {
    this.session = newSession();
  }

  select(cmd: CommandApdu): Reply {
    if (cmd.p2 !== 0x00 && cmd.p2 !== 0x0c) fail(SW.WRONG_P1_P2, 'SELECT of the PIV application takes P2 00');
    return ok(cmd.p2 === 0x0c ? EMPTY : applicationPropertyTemplate(this.config.label));
  }

  process(cmd: CommandApdu, _ctx: CardContext): Reply | undefined {
    // A management-key exchange must go on with its next step at once.
    const pending = this.session.pending;
    this.session.pending = undefined;
    switch (cmd.ins) {
      case INS.VERIFY:
        return this.verify(cmd);
      case INS.CHANGE_REFERENCE_DATA:
        return this.changeReferenceData(cmd);
      case INS.RESET_RETRY_COUNTER:
        return this.resetRetryCounter(cmd);
      case INS.GENERAL_AUTHENTICATE:
        return this.generalAuthenticate(cmd, pending);
      case INS.GENERATE_ASYMMETRIC_KEY_PAIR:
        return this.generate(cmd);
      case INS.GET_DATA:
        return this.getData(cmd);
      case INS.PUT_DATA:
        return this.putData(cmd);
    }
    if (this.config.yubikey !== undefined) return this.yubikey(cmd);
    return undefined;
  }

  // --- PINs (SP 800-73-4 part 2 3.2.1, 3.2.2, 3.2.3) ---

  /** The 8-byte PIN blocks of `data` (one or two); other lengths answer 6A80 and cost no try. */
  private pinBlocks(data: Buffer, count: 1 | 2): Buffer[] {
    if (data.length !== count * PIN_BLOCK_BYTES) fail(PIV_SW.WRONG_DATA, `${count * PIN_BLOCK_BYTES} bytes of PIN block expected`);
    return count === 1 ? [data] : [data.subarray(0, PIN_BLOCK_BYTES), data.subarray(PIN_BLOCK_BYTES)];
  }

  /** A new PIN or PUK block: 6 to 8 bytes, then FF padding only. */
  private checkNewValue(block: Buffer): void {
    const end = block.indexOf(0xff);
    const length = end === -1 ? PIN_BLOCK_BYTES : end;
    if (length < 6 || block.subarray(length).some((b) => b !== 0xff)) fail(PIV_SW.WRONG_DATA, 'a new value of 6 to 8 bytes padded with FF');
  }

  private verify(cmd: CommandApdu): Reply {
    if (cmd.p1 !== 0x00 && cmd.p1 !== 0xff) fail(SW.WRONG_P1_P2);
    if (cmd.p2 !== KEY.PIN) fail(PIV_SW.REFERENCE_NOT_FOUND, 'only the PIV application PIN (80) is verified here');
    if (cmd.p1 === 0xff) {
      // 800-73-4: P1 FF, no data, resets the PIN's security status.
      if (cmd.data.length !== 0) fail(SW.WRONG_LENGTH, 'VERIFY P1 FF takes no data');
      this.session.pinVerified = false;
      this.session.pinFresh = false;
      return ok();
    }
    if (cmd.data.length === 0) {
      if (this.session.pinVerified) return ok();
      this.pin.status();
    }
    const [block] = this.pinBlocks(cmd.data, 1);
    this.session.pinVerified = false;
    this.session.pinFresh = false;
    this.pin.check(block!);
    this.session.pinVerified = true;
    this.session.pinFresh = true;
    return ok();
  }

  private changeReferenceData(cmd: CommandApdu): Reply {
    if (cmd.p1 !== 0x00) fail(SW.WRONG_P1_P2);
    const target = cmd.p2 === KEY.PIN ? this.pin : cmd.p2 === KEY.PUK ? this.puk : fail(PIV_SW.REFERENCE_NOT_FOUND, 'CHANGE REFERENCE DATA of 80 or 81');
    const [current, next] = this.pinBlocks(cmd.data, 2);
    this.checkNewValue(next!);
    target.check(current!);
    target.value = Buffer.from(next!);
    if (target === this.pin) this.session.pinVerified = true;
    return ok();
  }

  private resetRetryCounter(cmd: CommandApdu): Reply {
    if (cmd.p1 !== 0x00) fail(SW.WRONG_P1_P2);
    if (cmd.p2 !== KEY.PIN) fail(PIV_SW.REFERENCE_NOT_FOUND, 'RESET RETRY COUNTER of the PIN (80)');
    const [puk, next] = this.pinBlocks(cmd.data, 2);
    this.checkNewValue(next!);
    this.puk.check(puk!);
    this.pin.replace(next!);
    this.session.pinVerified = false;
    this.session.pinFresh = false;
    return ok();
  }

  // --- GENERAL AUTHENTICATE (SP 800-73-4 part 2 3.2.4, appendix A) ---

  private generalAuthenticate(cmd: CommandApdu, pending: PendingAuthentication | undefined): Reply {
    if (cmd.p2 === KEY.MANAGEMENT) return this.authenticateManagement(cmd, pending);
    const key = this.keyFor(cmd.p2, cmd.p1);
    const dat = template(cmd.data, 0x7c);
    const response = child(dat, 0x82);
    const challenge = child(dat, 0x81);
    const exponentiation = child(dat, 0x85);
    if (response === undefined || response.value.length !== 0) fail(PIV_SW.WRONG_DATA, 'an empty response tag 82 asks for the result');
    const input = challenge ?? exponentiation ?? fail(PIV_SW.WRONG_DATA, 'tag 81 (challenge) or 85 (exponentiation) expected');
    this.checkPinPolicy(key.pinPolicy);
    const result = input === challenge ? key.sign(input.value) : key.ecdh(input.value);
    if (key.pinPolicy === 'always') this.session.pinFresh = false;
    return ok(encodeTlv(0x7c, encodeTlv(0x82, result)));
  }

  /** The key in slot `slot`, used with algorithm `algorithm` (P1). */
  private keyFor(slot: number, algorithm: number): SlotKey {
    if (!CERT_OBJECT_OF_SLOT.has(slot)) fail(SW.WRONG_P1_P2, `no key reference ${slot.toString(16).toUpperCase()}`);
    const key = this.keys.get(slot) ?? fail(PIV_SW.REFERENCE_NOT_FOUND, `slot ${slot.toString(16).toUpperCase()} holds no key`);
    if (key.algorithm !== algorithm) fail(SW.WRONG_P1_P2, `slot ${slot.toString(16).toUpperCase()} holds a key of algorithm ${key.algorithm.toString(16).padStart(2, '0')}`);
    return key;
  }

  private checkPinPolicy(policy: PinPolicy): void {
    if (policy === 'never') return;
    if (policy === 'once' && this.session.pinVerified) return;
    if (policy === 'always' && this.session.pinFresh) return;
    fail(SW.SECURITY_NOT_SATISFIED, policy === 'always' ? 'this key needs the PIN right before each use' : 'PIN not verified');
  }

  /**
   * The administration key, P1 its algorithm (00 also). Witness (80 empty), then
   * 80 decrypted witness + 81 challenge: mutual authentication. Challenge (81 empty),
   * then 82 encrypted challenge: the card authenticates the host. A step out of order
   * or a wrong value answers 6982 and starts over.
   */
  private authenticateManagement(cmd: CommandApdu, pending: PendingAuthentication | undefined): Reply {
    const key = this.managementKey;
    if (cmd.p1 !== key.algorithm && cmd.p1 !== 0x00) fail(SW.WRONG_P1_P2, `the management key's algorithm is ${key.algorithm.toString(16).padStart(2, '0')}`);
    const dat = template(cmd.data, 0x7c);
    const witness = child(dat, 0x80);
    const challenge = child(dat, 0x81);
    const response = child(dat, 0x82);
    const block = key.blockBytes;
    const random = (): Buffer => randomBytes(block);
    if (witness !== undefined && witness.value.length === 0) {
      const value = random();
      this.session.pending = { kind: 'witness', witness: value };
      return ok(encodeTlv(0x7c, encodeTlv(0x80, key.encrypt(value))));
    }
    if (witness !== undefined && challenge !== undefined) {
      if (pending?.kind !== 'witness' || !witness.value.equals(pending.witness)) {
        this.session.managementAuthenticated = false;
        fail(SW.SECURITY_NOT_SATISFIED, 'wrong witness');
      }
      if (challenge.value.length !== block) fail(PIV_SW.WRONG_DATA, `a challenge of ${block} bytes`);
      this.session.managementAuthenticated = true;
      return ok(encodeTlv(0x7c, encodeTlv(0x82, key.encrypt(challenge.value))));
    }
    if (challenge !== undefined && challenge.value.length === 0) {
      const value = random();
      this.session.pending = { kind: 'challenge', challenge: value };
      return ok(encodeTlv(0x7c, encodeTlv(0x81, value)));
    }
    if (response !== undefined && response.value.length > 0) {
      const expected = pending?.kind === 'challenge' ? key.encrypt(pending.challenge) : undefined;
      if (expected === undefined || !response.value.equals(expected)) {
        this.session.managementAuthenticated = false;
        fail(SW.SECURITY_NOT_SATISFIED, 'wrong response to the challenge');
      }
      this.session.managementAuthenticated = true;
      return ok();
    }
    return fail(PIV_SW.WRONG_DATA, 'a witness (80), challenge (81) or response (82) step expected');
  }

  private requireManagement(): void {
    if (!this.session.managementAuthenticated) fail(SW.SECURITY_NOT_SATISFIED, 'management key not authenticated');
  }

  // --- GENERATE ASYMMETRIC KEY PAIR (3.3.2) ---

  private generate(cmd: CommandApdu): Reply {
    if (cmd.p1 !== 0x00 || !CERT_OBJECT_OF_SLOT.has(cmd.p2)) fail(SW.WRONG_P1_P2, 'P2 must be a key slot (9A, 9C, 9D, 9E, 82-95)');
    const control = template(cmd.data, 0xac);
    const algorithm = child(control, 0x80);
    if (algorithm === undefined || algorithm.value.length !== 1 || !ASYMMETRIC_ALGORITHMS.has(algorithm.value[0]!)) {
      fail(PIV_SW.WRONG_DATA, 'tag 80 with an RSA or EC algorithm expected');
    }
    const policy = this.pinPolicyOf(child(control, 0xaa), cmd.p2);
    this.requireManagement();
    const key = SlotKey.generate(algorithm.value[0]!, policy);
    this.keys.set(cmd.p2, key);
    return ok(encodeTlv(0x7f49, key.publicKeyTemplate()));
  }

  /** YubiKey's PIN policy tag AA (1 never, 2 once, 3 always, 0 or absent: the slot's default). */
  private pinPolicyOf(node: TlvNode | undefined, slot: number): PinPolicy {
    const fallback = DEFAULT_PIN_POLICY[slot] ?? 'once';
    if (node === undefined || node.value[0] === 0) return fallback;
    const found = (Object.entries(PIN_POLICY_CODE) as [PinPolicy, number][]).find(([, code]) => code === node.value[0]);
    if (found === undefined || node.value.length !== 1) fail(PIV_SW.WRONG_DATA, 'PIN policy 00 to 03');
    return found[0];
  }

  // --- GET DATA (3.1.2) and PUT DATA (3.3.1) ---

  private knownObject(tag: number): boolean {
    return PIV_OBJECTS.has(tag) || (this.config.yubikey !== undefined && YUBICO_OBJECTS.includes(tag));
  }

  private getData(cmd: CommandApdu): Reply {
    if (cmd.p1 !== 0x3f || cmd.p2 !== 0xff) fail(SW.WRONG_P1_P2, 'GET DATA takes P1-P2 3F FF');
    const nodes = tlv(cmd.data);
    if (nodes.length !== 1) fail(PIV_SW.WRONG_DATA, 'one tag list 5C expected');
    const tag = objectTag(nodes[0]);
    if (!this.knownObject(tag)) fail(SW.FILE_NOT_FOUND, 'no such data object');
    if (PIN_PROTECTED_OBJECTS.has(tag) && !this.session.pinVerified) fail(SW.SECURITY_NOT_SATISFIED, 'this object needs the PIN');
    const content = this.objects.get(tag) ?? fail(SW.FILE_NOT_FOUND, 'data object not present');
    return ok(encodeTlv(SELF_TAGGED_OBJECTS.has(tag) ? tag : 0x53, content));
  }

  private putData(cmd: CommandApdu): Reply {
    if (cmd.p1 !== 0x3f || cmd.p2 !== 0xff) fail(SW.WRONG_P1_P2, 'PUT DATA takes P1-P2 3F FF');
    const nodes = tlv(cmd.data);
    let tag: number;
    let content: Buffer;
    const first = nodes[0];
    if (nodes.length === 1 && first !== undefined && SELF_TAGGED_OBJECTS.has(first.tag)) {
      // The discovery object and the BIT group template are written as themselves.
      tag = first.tag;
      content = first.value;
    } else {
      tag = objectTag(first);
      const data = nodes[1];
      if (nodes.length !== 2 || data === undefined || data.tag !== 0x53) fail(PIV_SW.WRONG_DATA, '5C tag then 53 data expected');
      content = data.value;
    }
    if (!this.knownObject(tag)) fail(PIV_SW.WRONG_DATA, 'not a PIV data object');
    if (content.length > this.config.maxObjectBytes) fail(SW.WRONG_LENGTH, `a data object holds at most ${this.config.maxObjectBytes} bytes`);
    this.requireManagement();
    if (content.length === 0) this.objects.delete(tag);
    else this.objects.set(tag, Buffer.from(content));
    return ok();
  }

  // --- YubiKey extensions (Yubico's PIV documentation) ---

  private yubikey(cmd: CommandApdu): Reply | undefined {
    const yk = this.config.yubikey!;
    switch (cmd.ins) {
      case INS.YK_GET_VERSION:
        return ok(Buffer.from(yk.version));
      case INS.YK_GET_SERIAL: {
        const serial = Buffer.alloc(4);
        serial.writeUInt32BE(yk.serial);
        return ok(serial);
      }
      case INS.YK_GET_METADATA:
        return ok(this.metadata(cmd.p2));
      case INS.YK_SET_MANAGEMENT_KEY:
        return this.setManagementKey(cmd);
      case INS.YK_RESET:
        if (!this.pin.blocked || !this.puk.blocked) fail(SW.CONDITIONS_NOT_SATISFIED, 'RESET needs the PIN and the PUK blocked');
        this.factoryState();
        return ok();
      case INS.YK_SET_PIN_RETRIES:
        return this.setPinRetries(cmd);
    }
    return undefined;
  }

  /** GET METADATA: 01 algorithm, 02 policies, 03 origin, 04 public key, 05 default value, 06 tries. */
  private metadata(slot: number): Buffer {
    const item = (tag: number, value: Buffer | number[]): Buffer => encodeTlv(tag, Buffer.from(value));
    if (slot === KEY.PIN || slot === KEY.PUK) {
      const secret = slot === KEY.PIN ? this.pin : this.puk;
      const isDefault = secret.value.equals(slot === KEY.PIN ? FACTORY_PIN : FACTORY_PUK);
      return Buffer.concat([item(0x01, [0xff]), item(0x05, [isDefault ? 1 : 0]), item(0x06, [secret.maxTries, secret.tries])]);
    }
    if (slot === KEY.MANAGEMENT) {
      const isDefault = this.managementKey.value.equals(FACTORY_MANAGEMENT_KEY);
      return Buffer.concat([item(0x01, [this.managementKey.algorithm]), item(0x02, [0x00, 0x01]), item(0x05, [isDefault ? 1 : 0])]);
    }
    if (!CERT_OBJECT_OF_SLOT.has(slot)) fail(SW.WRONG_P1_P2, 'no such key reference');
    const key = this.keys.get(slot) ?? fail(PIV_SW.REFERENCE_NOT_FOUND, 'the slot holds no key');
    return Buffer.concat([
      item(0x01, [key.algorithm]),
      item(0x02, [PIN_POLICY_CODE[key.pinPolicy], 0x01]),
      item(0x03, [key.origin === 'generated' ? 0x01 : 0x02]),
      item(0x04, key.publicKeyTemplate()),
    ]);
  }

  /** SET MANAGEMENT KEY (P1 FF, P2 FF or FE for touch): 03 9B <length> key, after authentication. */
  private setManagementKey(cmd: CommandApdu): Reply {
    if (cmd.p1 !== 0xff || (cmd.p2 !== 0xff && cmd.p2 !== 0xfe)) fail(SW.WRONG_P1_P2);
    const d = cmd.data;
    const algorithm = d[0] ?? fail(PIV_SW.WRONG_DATA, 'algorithm, 9B, length, key expected');
    const want = managementKeyBytes(algorithm);
    if (want === undefined || d[1] !== KEY.MANAGEMENT || d[2] !== want || d.length !== 3 + want) fail(PIV_SW.WRONG_DATA, 'algorithm, 9B, length, key expected');
    this.requireManagement();
    this.managementKey = new ManagementKey(algorithm, d.subarray(3));
    return ok();
  }

  /** SET PIN RETRIES (P1 PIN tries, P2 PUK tries): after the management key and the PIN; PIN and PUK go back to their defaults. */
  private setPinRetries(cmd: CommandApdu): Reply {
    if (cmd.p1 < 1 || cmd.p1 > 15 || cmd.p2 < 1 || cmd.p2 > 15) fail(SW.WRONG_P1_P2, 'tries from 1 to 15');
    this.requireManagement();
    if (!this.session.pinVerified) fail(SW.SECURITY_NOT_SATISFIED, 'PIN not verified');
    this.pin = new Secret(FACTORY_PIN, cmd.p1, this.config.blockingTry);
    this.puk = new Secret(FACTORY_PUK, cmd.p2, this.config.blockingTry);
    return ok();
  }
}
