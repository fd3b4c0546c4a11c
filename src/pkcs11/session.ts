import pkcs11js from 'pkcs11js';
import { callNative, callNativeAsync } from './calls.js';
import type { Pkcs11Token } from './token.js';
import type { TokenWriteCall } from './write-guard.js';

/** A mechanism ready for a call: its CKM_* name (for the log and checks) and the pkcs11js structure. */
export interface NativeMechanism {
  name: string;
  native: pkcs11js.Mechanism;
}

export type UserType = 'user' | 'so';

/** CK_SESSION_INFO states (PKCS#11 2.40, section 5.6.1): which user the session acts for. */
const SessionState = { RO_USER_FUNCTIONS: 1, RW_USER_FUNCTIONS: 3, RW_SO_FUNCTIONS: 4 } as const;

/** Room for any output: an RSA-16384 signature or block is 2048 bytes. */
const OUTPUT_BYTES = 4096;
/** Objects fetched per C_FindObjects call. */
const FIND_BATCH = 64;

/**
 * A read-write session on a token. Every call goes through the native boundary
 * (calls.ts): recorded in the token's call log, errors turned into Pkcs11Error.
 * Operations that take a mechanism check first that the token offers it (see
 * Pkcs11Token.requireMechanism).
 */
export class Pkcs11Session {
  private closed = false;
  /** One output buffer per session, reused: a fresh zeroed 4 KiB per call showed in the signing rate. */
  private readonly output = Buffer.allocUnsafe(OUTPUT_BYTES);

  private constructor(
    readonly token: Pkcs11Token,
    readonly handle: pkcs11js.Handle,
  ) {}

  static open(token: Pkcs11Token): Pkcs11Session {
    const flags = pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION;
    const handle = callNative(token.log, 'C_OpenSession', undefined, () => token.module.native.C_OpenSession(token.slot, flags));
    const session = new Pkcs11Session(token, handle);
    token.module.trackSession(session);
    return session;
  }

  private get api(): pkcs11js.PKCS11 {
    return this.token.module.native;
  }

  private call<T>(functionName: string, body: () => T, mechanism?: string): T {
    return callNative(this.token.log, functionName, mechanism, body);
  }

  /** C_Login; the PIN goes to the module only, never to the log or an error message. */
  login(userType: UserType, pin: string): void {
    const type = userType === 'so' ? pkcs11js.CKU_SO : pkcs11js.CKU_USER;
    this.call('C_Login', () => this.api.C_Login(this.handle, type, pin));
  }

  logout(): void {
    this.call('C_Logout', () => this.api.C_Logout(this.handle));
  }

  /** C_SetPIN: the PIN of whoever is logged in (in a session without login, OpenSC may read the old value as the PUK). */
  setPin(oldPin: string, newPin: string): void {
    this.guardWrite('C_SetPIN', "the token's PIN", () => true);
    this.call('C_SetPIN', () => this.api.C_SetPIN(this.handle, oldPin, newPin));
  }

  /** C_InitPIN: the user PIN, set by the security officer. */
  initPin(pin: string): void {
    this.guardWrite('C_InitPIN', 'the user PIN', () => true);
    this.call('C_InitPIN', () => this.api.C_InitPIN(this.handle, pin));
  }

  /** Who the session acts for: login state is per token and application, so this reflects any session's login. */
  loggedInAs(): UserType | undefined {
    const { state } = this.call('C_GetSessionInfo', () => this.api.C_GetSessionInfo(this.handle));
    if (state === SessionState.RW_SO_FUNCTIONS) return 'so';
    if (state === SessionState.RW_USER_FUNCTIONS || state === SessionState.RO_USER_FUNCTIONS) return 'user';
    return undefined;
  }

  findObjects(template: pkcs11js.Template): pkcs11js.Handle[] {
    this.call('C_FindObjectsInit', () => this.api.C_FindObjectsInit(this.handle, template));
    try {
      const found: pkcs11js.Handle[] = [];
      for (;;) {
        const batch = this.call('C_FindObjects', () => this.api.C_FindObjects(this.handle, FIND_BATCH));
        found.push(...batch);
        if (batch.length < FIND_BATCH) return found;
      }
    } finally {
      this.call('C_FindObjectsFinal', () => this.api.C_FindObjectsFinal(this.handle));
    }
  }

  /** The value of one attribute, as the token returns it. */
  getAttribute(object: pkcs11js.Handle, type: number): Buffer {
    const [result] = this.call('C_GetAttributeValue', () => this.api.C_GetAttributeValue(this.handle, object, [{ type }]));
    return result?.value ?? Buffer.alloc(0);
  }

  /** Whether the object lives on the token (CKA_TOKEN), or undefined when the token will not say. */
  isTokenObject(object: pkcs11js.Handle): boolean | undefined {
    try {
      const value = this.getAttribute(object, pkcs11js.CKA_TOKEN);
      return value.length === 1 ? value[0] !== 0 : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * Asks the token's write guard (physical tokens) before a change. Only a guard needs to
   * know whether the object stays on the token, so `tokenObject` is asked only then.
   */
  private guardWrite(call: TokenWriteCall, what: string, tokenObject: () => boolean | undefined): void {
    const guard = this.token.writeGuard;
    if (guard) guard({ call, what, tokenObject: tokenObject() });
  }

  setAttributes(object: pkcs11js.Handle, template: pkcs11js.Template, what = 'the object'): void {
    this.guardWrite('C_SetAttributeValue', what, () => this.isTokenObject(object));
    this.call('C_SetAttributeValue', () => this.api.C_SetAttributeValue(this.handle, object, template));
  }

  createObject(template: pkcs11js.Template, what = 'the object'): pkcs11js.Handle {
    this.guardWrite('C_CreateObject', what, () => templateTokenFlag(template));
    return this.call('C_CreateObject', () => this.api.C_CreateObject(this.handle, template));
  }

  destroyObject(object: pkcs11js.Handle, what = 'the object'): void {
    this.guardWrite('C_DestroyObject', what, () => this.isTokenObject(object));
    this.call('C_DestroyObject', () => this.api.C_DestroyObject(this.handle, object));
  }

  /** A copy of `object` with the attributes of `template` changed (CKA_TOKEN, CKA_LABEL, CKA_ID...). */
  copyObject(object: pkcs11js.Handle, template: pkcs11js.Template, what = 'the copy of an object'): pkcs11js.Handle {
    // The copy keeps the original's CKA_TOKEN unless the template sets it.
    this.guardWrite('C_CopyObject', what, () => (template.some((a) => a.type === pkcs11js.CKA_TOKEN) ? templateTokenFlag(template) : this.isTokenObject(object)));
    return this.call('C_CopyObject', () => this.api.C_CopyObject(this.handle, object, template));
  }

  /** Runs off the event loop: RSA-4096 generation takes seconds. */
  generateKeyPair(mechanism: NativeMechanism, publicTemplate: pkcs11js.Template, privateTemplate: pkcs11js.Template, what = 'the key pair'): Promise<pkcs11js.KeyPair> {
    this.guardWrite('C_GenerateKeyPair', what, () => {
      const flags = [templateTokenFlag(publicTemplate), templateTokenFlag(privateTemplate)];
      return flags.includes(true) ? true : flags.includes(undefined) ? undefined : false;
    });
    this.token.requireMechanism(mechanism.name, 'GENERATE_KEY_PAIR', 'C_GenerateKeyPair');
    return callNativeAsync(this.token.log, 'C_GenerateKeyPair', mechanism.name, () =>
      this.api.C_GenerateKeyPairAsync(this.handle, mechanism.native, publicTemplate, privateTemplate),
    );
  }

  /** The call's result, copied out of the shared output buffer, which is then wiped (it may hold a plaintext). */
  private copyOut(result: Buffer): Buffer {
    const copy = Buffer.from(result);
    this.output.fill(0, 0, result.length);
    return copy;
  }

  sign(mechanism: NativeMechanism, key: pkcs11js.Handle, data: Buffer): Buffer {
    this.token.requireMechanism(mechanism.name, 'SIGN', 'C_SignInit');
    this.call('C_SignInit', () => this.api.C_SignInit(this.handle, mechanism.native, key), mechanism.name);
    return this.call('C_Sign', () => this.copyOut(this.api.C_Sign(this.handle, data, this.output)), mechanism.name);
  }

  /** Returns when the signature verifies; otherwise throws the Pkcs11Error of C_Verify (CKR_SIGNATURE_INVALID, ...). */
  verify(mechanism: NativeMechanism, key: pkcs11js.Handle, data: Buffer, signature: Buffer): void {
    this.token.requireMechanism(mechanism.name, 'VERIFY', 'C_VerifyInit');
    this.call('C_VerifyInit', () => this.api.C_VerifyInit(this.handle, mechanism.native, key), mechanism.name);
    this.call('C_Verify', () => this.api.C_Verify(this.handle, data, signature), mechanism.name);
  }

  encrypt(mechanism: NativeMechanism, key: pkcs11js.Handle, plaintext: Buffer): Buffer {
    this.token.requireMechanism(mechanism.name, 'ENCRYPT', 'C_EncryptInit');
    this.call('C_EncryptInit', () => this.api.C_EncryptInit(this.handle, mechanism.native, key), mechanism.name);
    return this.call('C_Encrypt', () => this.copyOut(this.api.C_Encrypt(this.handle, plaintext, this.output)), mechanism.name);
  }

  decrypt(mechanism: NativeMechanism, key: pkcs11js.Handle, ciphertext: Buffer): Buffer {
    this.token.requireMechanism(mechanism.name, 'DECRYPT', 'C_DecryptInit');
    this.call('C_DecryptInit', () => this.api.C_DecryptInit(this.handle, mechanism.native, key), mechanism.name);
    return this.call('C_Decrypt', () => this.copyOut(this.api.C_Decrypt(this.handle, ciphertext, this.output)), mechanism.name);
  }

  digest(mechanism: NativeMechanism, data: Buffer): Buffer {
    this.token.requireMechanism(mechanism.name, 'DIGEST', 'C_DigestInit');
    this.call('C_DigestInit', () => this.api.C_DigestInit(this.handle, mechanism.native), mechanism.name);
    if (data.length === 0) {
      // pkcs11js passes an empty buffer as NULL, which C_Digest refuses (CKR_ARGUMENTS_BAD); C_DigestFinal alone digests the empty message.
      return this.call('C_DigestFinal', () => this.copyOut(this.api.C_DigestFinal(this.handle, this.output)), mechanism.name);
    }
    return this.call('C_Digest', () => this.copyOut(this.api.C_Digest(this.handle, data, this.output)), mechanism.name);
  }

  random(byteCount: number): Buffer {
    return this.call('C_GenerateRandom', () => Buffer.from(this.api.C_GenerateRandom(this.handle, Buffer.alloc(byteCount))));
  }

  /** C_CloseSession; session objects go with it. Safe to call twice. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.token.module.untrackSession(this);
    this.call('C_CloseSession', () => this.api.C_CloseSession(this.handle));
  }
}

/** CKA_TOKEN as a template sets it: absent means false (PKCS#11 2.40, 4.4), an unreadable value unknown. */
export function templateTokenFlag(template: pkcs11js.Template): boolean | undefined {
  const entry = template.find((a) => a.type === pkcs11js.CKA_TOKEN);
  if (!entry) return false;
  if (typeof entry.value === 'boolean') return entry.value;
  if (Buffer.isBuffer(entry.value) && entry.value.length === 1) return entry.value[0] !== 0;
  return undefined;
}
