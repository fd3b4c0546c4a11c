import pkcs11js from 'pkcs11js';
import { ecdsaDerToRaw } from '../crypto/ecdsa-signature.js';
import type { HashName } from '../crypto/hashes.js';
import type { KeyType } from '../crypto/key-types.js';
import { opensslGenerateKey, opensslKeyOfRun, opensslSign } from '../crypto/openssl-keys.js';
import { opensslVerify, type OpenSslVerification } from '../crypto/openssl-verify.js';
import { privateKeyComponents } from '../crypto/private-key.js';
import { spkiPem } from '../crypto/public-key.js';
import type { SignedMessage } from '../crypto/signature-scheme.js';
import { HarnessCodes, HarnessError } from '../../core/errors.js';
import { decodeAttributeValue, readUlong, type AttributeValue } from './attributes.js';
import type { Pkcs11Call } from './calls.js';
import { Pkcs11Error, pkcs11Error } from './errors.js';
import { tokenFlags } from './flags.js';
import { describeKey, ensureKeyPair, findByLabel, importKeyPair } from './key-pairs.js';
import { canGenerate, KeyNames } from './key-names.js';
import { guardLogin } from './login-guard.js';
import { buildMechanism, type MechanismDescription } from './mechanisms.js';
import { openPkcs11Module } from './module.js';
import { attributes, mechanisms, objectClasses } from './names.js';
import { exportPublicKey } from './public-key-export.js';
import { Pkcs11Session, type UserType } from './session.js';
import { signedMessage, tokenInput, type SigningInput } from './signing-input.js';
import { findToken } from './token.js';
import type { TokenAccess } from './token.js';
import { tokenWriteGuard } from './write-guard.js';

export { closePkcs11Modules } from './module.js';

export interface Pkcs11ScenarioOptions {
  /** Key pairs become token objects (scenario tag `@token-objects`) instead of session objects. */
  tokenObjects: boolean;
  /** The counts of the cucumber scenario so far, when it names a token again (KeyCounts). */
  keyCounts?: KeyCounts;
}

/**
 * Key pairs made and imported in a cucumber scenario, by type: the next one of a type comes
 * from the next seed or OpenSSL key of the run. They count for the whole scenario, across
 * its `Given the PKCS#11 token` steps, as key-plan.ts counts: a token named again must not
 * hand out seed 1 a second time (two labels, one key).
 */
export interface KeyCounts {
  made: Map<string, number>;
  imported: Map<string, number>;
}

/** The last signature: its bytes as PKCS#11 writes them (r||s for ECDSA), what it covers, and for OpenSSL its scheme. */
export interface SignatureRecord {
  bytes: Buffer;
  input: SigningInput;
  signed: SignedMessage | undefined;
}

/** One object's value of an attribute, for messages. */
export interface AttributeReading {
  objectClass: string;
  value: AttributeValue;
}

/** C_Verify's answers that mean "this signature is wrong" (docs/steps.md). */
const REJECTED_SIGNATURE = new Set(['CKR_SIGNATURE_INVALID', 'CKR_SIGNATURE_LEN_RANGE']);

/**
 * The PKCS#11 side of one scenario: its read-write session on one token, the results the
 * steps compare (signature, ciphertext, plaintext, digest, random bytes), and the log of
 * every call for the report. close() ends the session, so session objects and the login
 * never outlive the scenario.
 */
export class Pkcs11Scenario {
  readonly calls: Pkcs11Call[] = [];
  signature: SignatureRecord | undefined;
  ciphertext: Buffer | undefined;
  plaintext: Buffer | undefined;
  digest: Buffer | undefined;
  random: Buffer | undefined;
  /** Private keys OpenSSL made in this scenario, by label, for "OpenSSL signs". */
  private readonly opensslKeys = new Map<string, { pem: string; keyType: KeyType }>();
  readonly keyCounts: KeyCounts;
  private session: Pkcs11Session | undefined;
  /** Names that stand for the token's own key pairs where it cannot make any (key-names.ts). */
  private readonly keyNames = new KeyNames();

  private constructor(
    readonly access: TokenAccess,
    private readonly options: Pkcs11ScenarioOptions,
  ) {
    this.keyCounts = options.keyCounts ?? { made: new Map(), imported: new Map() };
  }

  /** Loads the module (once per process), finds the token by label and opens a read-write session. */
  static open(access: TokenAccess, options: Pkcs11ScenarioOptions): Pkcs11Scenario {
    const scenario = new Pkcs11Scenario(access, options);
    const module = openPkcs11Module(access, scenario.calls);
    const token = findToken(module, access.label, scenario.calls, access.reader);
    if (access.destructiveAllowed) token.writeGuard = tokenWriteGuard(access.destructiveAllowed);
    scenario.session = Pkcs11Session.open(token);
    return scenario;
  }

  private get open(): Pkcs11Session {
    if (!this.session) throw new HarnessError(HarnessCodes.UNSUPPORTED, 'the PKCS#11 session of this scenario is closed');
    return this.session;
  }

  login(userType: UserType, pin: string): void {
    this.guardLogin(userType, pin);
    this.open.login(userType, pin);
  }

  /** Logs in unless that user is logged in already ("Given I am logged in" is idempotent). */
  ensureLoggedIn(userType: UserType, pin: string): void {
    if (this.open.loggedInAs() !== userType) this.login(userType, pin);
  }

  /** On physical tokens (unless the scenario is @destructive): no login that could lock the PIN. */
  private guardLogin(userType: UserType, pin: string): void {
    const allowed = this.access.destructiveAllowed;
    if (!allowed || allowed()) return;
    const configured = userType === 'so' ? this.access.soPin : this.access.userPin;
    guardLogin(userType, pin, configured, (flag) => this.tokenFlagIsSet(flag));
  }

  logout(): void {
    this.open.logout();
  }

  /** C_SetPIN. It writes the token's PIN: on physical tokens only in @destructive scenarios (the write guard). */
  setPin(oldPin: string, newPin: string): void {
    this.open.setPin(oldPin, newPin);
  }

  /** C_InitPIN (the security officer sets the user PIN). On physical tokens only in @destructive scenarios (the write guard). */
  initPin(newPin: string): void {
    this.open.initPin(newPin);
  }

  async ensureKeyPair(label: string, keyType: KeyType, id?: Buffer): Promise<void> {
    const session = this.open;
    if (this.keyNames.has(label)) {
      const found = describeKey(session, this.key(label, 'public'));
      if (found !== keyType.name) throw new HarnessError(HarnessCodes.KEY_MISMATCH, `the key "${label}" stands for is ${found}, not ${keyType.name}`);
      return;
    }
    // A token that cannot make key pairs (a PIV card through OpenSC): the name stands for one of its own (key-names.ts).
    // canGenerate first: it reads the cached mechanism list, where findByLabel searches the token.
    if (!canGenerate(session, keyType) && findByLabel(session, label).length === 0) {
      if (id !== undefined) throw new HarnessError(HarnessCodes.UNSUPPORTED, `the token cannot generate key pairs, so "${label}" cannot get the CKA_ID ${id.toString('hex').toUpperCase()}`);
      this.keyNames.bind(session, label, keyType);
      return;
    }
    const made = this.keyCounts.made.get(keyType.name) ?? 0;
    const madeAhead = this.access.keySeeds;
    await ensureKeyPair(session, label, keyType, {
      tokenObjects: this.options.tokenObjects,
      ...(id ? { id } : {}),
      ...(madeAhead ? { seed: { ordinal: made + 1, madeAhead } } : {}),
    });
    this.keyCounts.made.set(keyType.name, made + 1);
  }

  /** `openssl genpkey`, then both halves imported with C_CreateObject under one label and CKA_ID. */
  async importOpenSslKeyPair(label: string, keyType: KeyType): Promise<void> {
    if (this.keyNames.has(label) || findByLabel(this.open, label).length > 0) {
      throw new HarnessError(HarnessCodes.KEY_MISMATCH, `the token already has an object labelled "${label}"; an imported key needs a label of its own`);
    }
    const imported = this.keyCounts.imported.get(keyType.name) ?? 0;
    this.keyCounts.imported.set(keyType.name, imported + 1);
    const pem = this.access.keySeeds ? await opensslKeyOfRun(keyType, imported + 1) : await opensslGenerateKey(keyType);
    importKeyPair(this.open, label, privateKeyComponents(pem), { tokenObjects: this.options.tokenObjects });
    this.opensslKeys.set(label, { pem, keyType });
  }

  sign(label: string, mechanism: MechanismDescription, input: SigningInput): void {
    if (input.hostHash !== undefined && !mechanism.raw) {
      throw new HarnessError(HarnessCodes.UNSUPPORTED, `${mechanism.name} hashes the message itself: sign "the ${input.hostHash} digest of" with a raw mechanism (CKM_ECDSA, CKM_RSA_PKCS, CKM_RSA_PKCS_PSS), or sign the message`);
    }
    const key = this.key(label, 'private');
    this.signature = undefined;
    const bytes = this.open.sign(this.native(mechanism, input.hostHash), key, tokenInput(mechanism, input));
    this.signature = { bytes, input, signed: mechanism.scheme ? signedMessage(mechanism, input) : undefined };
  }

  /**
   * C_Verify of the last signature over the bytes it covers. Resolves to undefined when it
   * verifies, to the Pkcs11Error when the token calls it wrong (CKR_SIGNATURE_INVALID or
   * CKR_SIGNATURE_LEN_RANGE); any other failure is thrown.
   */
  verify(label: string, mechanism: MechanismDescription): Pkcs11Error | undefined {
    const signature = this.requireSignature();
    const key = this.key(label, 'public');
    try {
      this.open.verify(this.native(mechanism, signature.input.hostHash), key, tokenInput(mechanism, signature.input), signature.bytes);
      return undefined;
    } catch (error) {
      if (error instanceof Pkcs11Error && REJECTED_SIGNATURE.has(error.code)) return error;
      throw error;
    }
  }

  /** Flips the lowest bit of the signature's last byte (docs/steps.md). */
  flipSignatureBit(): void {
    const signature = this.requireSignature();
    this.signature = { ...signature, bytes: flipLastBit(signature.bytes) };
  }

  /** The public key of `label` as SubjectPublicKeyInfo PEM, rebuilt from its attributes. */
  publicKeyPem(label: string): string {
    return spkiPem(exportPublicKey(this.open, this.key(label, 'public')));
  }

  opensslVerify(label: string): Promise<OpenSslVerification> {
    const signature = this.requireSignature();
    if (!signature.signed) {
      throw new HarnessError(HarnessCodes.UNSUPPORTED, 'OpenSSL has no check for the last signature\'s mechanism');
    }
    return opensslVerify(this.publicKeyPem(label), signature.signed, signature.bytes);
  }

  /** `openssl dgst -<hash> -sign`; an ECDSA signature is kept as r||s, as the token's would be. */
  async opensslSign(label: string, message: Buffer, hash: HashName): Promise<void> {
    const key = this.opensslKeys.get(label);
    if (!key) {
      throw new HarnessError(HarnessCodes.NO_OBJECT, `OpenSSL holds no private key labelled "${label}": import one in this scenario with "Given an RSA-2048 key pair generated by OpenSSL and imported as "${label}""`);
    }
    this.signature = undefined;
    const der = await opensslSign(key.pem, key.keyType, message, hash);
    const bytes = key.keyType.kind === 'ec' ? ecdsaDerToRaw(der, key.keyType.curve.componentBytes) : der;
    const scheme = key.keyType.kind === 'ec' ? 'ecdsa' : 'rsa-pkcs1';
    this.signature = { bytes, input: { message, hostHash: hash }, signed: { scheme, hash, message } };
  }

  encrypt(label: string, mechanism: MechanismDescription, plaintext: Buffer, oaepHash?: HashName): void {
    const key = this.key(label, 'public');
    this.ciphertext = undefined;
    this.ciphertext = this.open.encrypt(buildMechanism(mechanism, oaepHash ? { oaepHash } : {}), key, plaintext);
  }

  decrypt(label: string, mechanism: MechanismDescription, oaepHash?: HashName): void {
    const ciphertext = this.ciphertext;
    if (!ciphertext) throw new HarnessError(HarnessCodes.UNSUPPORTED, 'nothing was encrypted in this scenario: encrypt before decrypting');
    const key = this.key(label, 'private');
    this.plaintext = undefined;
    this.plaintext = this.open.decrypt(buildMechanism(mechanism, oaepHash ? { oaepHash } : {}), key, ciphertext);
  }

  flipCiphertextBit(): void {
    if (!this.ciphertext) throw new HarnessError(HarnessCodes.UNSUPPORTED, 'nothing was encrypted in this scenario');
    this.ciphertext = flipLastBit(this.ciphertext);
  }

  digestData(mechanism: MechanismDescription, data: Buffer): void {
    this.digest = undefined;
    this.digest = this.open.digest(buildMechanism(mechanism), data);
  }

  generateRandom(byteCount: number): void {
    this.random = undefined;
    this.random = this.open.random(byteCount);
  }

  hasObject(label: string): boolean {
    return this.labelled(label).length > 0;
  }

  /** The attribute's value on every object labelled `label` that has it (both keys of a pair). */
  readAttribute(label: string, name: string): AttributeReading[] {
    const type = attributes.value(name);
    const readings: AttributeReading[] = [];
    for (const object of this.objectsLabelled(label)) {
      const raw = this.readIfPresent(object, type);
      if (raw === undefined) continue;
      const objectClass = objectClasses.name(readUlong(this.open.getAttribute(object, attributes.value('CKA_CLASS'))));
      readings.push({ objectClass, value: decodeAttributeValue(name, raw) });
    }
    if (readings.length === 0) throw pkcs11Error('CKR_ATTRIBUTE_TYPE_INVALID', 'C_GetAttributeValue', `no object labelled "${label}" has ${name}`);
    return readings;
  }

  /** Sets the attribute on every object labelled `label` that has it. */
  setAttribute(label: string, name: string, value: string | Buffer | boolean | number): void {
    const type = attributes.value(name);
    const objects = this.objectsLabelled(label).filter((object) => this.hasAttribute(object, type));
    if (objects.length === 0) throw pkcs11Error('CKR_ATTRIBUTE_TYPE_INVALID', 'C_SetAttributeValue', `no object labelled "${label}" has ${name}`);
    for (const object of objects) this.open.setAttributes(object, [{ type, value }], `${name} of "${label}"`);
  }

  /** The token's CK_TOKEN_INFO flags, by name. */
  tokenFlagNames(): string[] {
    return tokenFlags.names(this.open.token.info().flags);
  }

  /** Whether a token flag (`CKF_LOGIN_REQUIRED` or `LOGIN_REQUIRED`) is set; an unknown name fails with the list. */
  tokenFlagIsSet(name: string): boolean {
    return tokenFlags.isSet(this.open.token.info().flags, name);
  }

  /** The token's information about a mechanism, or undefined when it does not offer it. */
  mechanismInfo(name: string): pkcs11js.MechanismInfo | undefined {
    return this.open.token.mechanisms().get(mechanisms.value(name));
  }

  offeredMechanisms(): string[] {
    return this.open.token.offered();
  }

  /** Ends the session (and with it session objects and the login). Safe to call twice. */
  close(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    session?.close();
    return Promise.resolve();
  }

  private native(mechanism: MechanismDescription, prehash: HashName | undefined) {
    return buildMechanism(mechanism, prehash ? { prehash } : {});
  }

  private requireSignature(): SignatureRecord {
    if (!this.signature) throw new HarnessError(HarnessCodes.UNSUPPORTED, 'there is no signature in this scenario: sign something first');
    return this.signature;
  }

  /** The objects labelled `label`, or the key pair the name stands for. */
  private labelled(label: string, objectClass?: number): pkcs11js.Handle[] {
    return this.keyNames.objects(this.open, label, objectClass) ?? findByLabel(this.open, label, objectClass);
  }

  /** One half of the key pair labelled (or named) `label`. */
  private key(label: string, half: 'private' | 'public'): pkcs11js.Handle {
    const key = this.labelled(label, half === 'private' ? pkcs11js.CKO_PRIVATE_KEY : pkcs11js.CKO_PUBLIC_KEY)[0];
    if (!key) throw new HarnessError(HarnessCodes.NO_OBJECT, `no ${half} key labelled "${label}" on the token (a private key needs a login to be seen)`);
    return key;
  }

  private objectsLabelled(label: string): pkcs11js.Handle[] {
    const objects = this.labelled(label);
    if (objects.length === 0) throw new HarnessError(HarnessCodes.NO_OBJECT, `no object labelled "${label}" on the token (private objects need a login to be seen)`);
    return objects;
  }

  /** The raw value, or undefined when the object has no such attribute; a sensitive value is an error. */
  private readIfPresent(object: pkcs11js.Handle, type: number): Buffer | undefined {
    try {
      return this.open.getAttribute(object, type);
    } catch (error) {
      if (error instanceof Pkcs11Error && error.code === 'CKR_ATTRIBUTE_TYPE_INVALID') return undefined;
      throw error;
    }
  }

  private hasAttribute(object: pkcs11js.Handle, type: number): boolean {
    try {
      return this.readIfPresent(object, type) !== undefined;
    } catch (error) {
      // A sensitive attribute exists; the token just will not show it.
      if (error instanceof Pkcs11Error && error.code === 'CKR_ATTRIBUTE_SENSITIVE') return true;
      throw error;
    }
  }
}

function flipLastBit(bytes: Buffer): Buffer {
  const flipped = Buffer.from(bytes);
  if (flipped.length > 0) flipped[flipped.length - 1]! ^= 0x01;
  return flipped;
}
