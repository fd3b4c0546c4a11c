import pkcs11js from 'pkcs11js';
import { HarnessCodes, HarnessError } from '../../core/errors.js';
import { callNative, type CallLog } from './calls.js';

/** Where a PKCS#11 module is and the environment it reads when loaded or initialised (P11_KIT_SERVER_ADDRESS, SOFTHSM2_CONF). */
export interface ModuleAccess {
  modulePath: string;
  env: Readonly<Record<string, string>>;
}

/** Something the module must close before it is finalized: the open sessions. */
interface Closable {
  close(): void;
}

/**
 * One loaded PKCS#11 module, initialised with CKF_OS_LOCKING_OK (p11-kit-client.so
 * refuses to run without it). Modules are shared by all scenarios of a worker: loading
 * and C_Initialize are costly, and a library is loaded once per process anyway.
 */
export class Pkcs11Module {
  readonly native: pkcs11js.PKCS11;
  private env: Readonly<Record<string, string>>;
  private initialized = false;
  private readonly sessions = new Set<Closable>();
  private readonly mechanismCache = new Map<string, Map<number, pkcs11js.MechanismInfo>>();

  constructor(readonly path: string, env: Readonly<Record<string, string>>) {
    this.env = env;
    // p11-kit-client.so reads P11_KIT_SERVER_ADDRESS when it is loaded, SoftHSM its
    // SOFTHSM2_CONF at C_Initialize: the environment goes in before both.
    Object.assign(process.env, env);
    this.native = new pkcs11js.PKCS11();
    try {
      this.native.load(path);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new HarnessError(HarnessCodes.MISSING_DEPENDENCY, `cannot load the PKCS#11 module ${path}: ${reason}`, { cause: error });
    }
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  /** Whether the module was initialised with this environment. */
  hasEnv(env: Readonly<Record<string, string>>): boolean {
    const keys = new Set([...Object.keys(env), ...Object.keys(this.env)]);
    return [...keys].every((key) => env[key] === this.env[key]);
  }

  /** The module reads its configuration at C_Initialize, so the environment goes into process.env first. */
  initialize(env: Readonly<Record<string, string>> = this.env, log?: CallLog): void {
    if (this.initialized) return;
    this.env = env;
    Object.assign(process.env, env);
    callNative(log, 'C_Initialize', undefined, () => this.native.C_Initialize({ flags: pkcs11js.CKF_OS_LOCKING_OK }));
    this.initialized = true;
  }

  /** Closes the sessions still open, then C_Finalize. Safe to call twice. */
  finalize(log?: CallLog): void {
    if (!this.initialized) return;
    try {
      for (const session of [...this.sessions]) session.close();
    } finally {
      this.mechanismCache.clear();
      this.initialized = false;
      callNative(log, 'C_Finalize', undefined, () => this.native.C_Finalize());
    }
  }

  /**
   * SoftHSM reads its token folder at C_Initialize only, so a token made after that shows
   * after finalizing and initialising again; done only while no session is open.
   */
  reinitializeIfIdle(log: CallLog): boolean {
    if (this.sessions.size > 0) return false;
    this.finalize(log);
    this.initialize(this.env, log);
    return true;
  }

  /** Slots with a token, and the tokens' information. */
  tokens(log: CallLog): { slot: pkcs11js.Handle; info: pkcs11js.TokenInfo }[] {
    const slots = callNative(log, 'C_GetSlotList', undefined, () => this.native.C_GetSlotList(true));
    return slots.map((slot) => ({ slot, info: callNative(log, 'C_GetTokenInfo', undefined, () => this.native.C_GetTokenInfo(slot)) }));
  }

  /** A slot's description, without CK_SLOT_INFO's padding (OpenSC: the reader's name). */
  slotDescription(slot: pkcs11js.Handle, log: CallLog): string {
    return callNative(log, 'C_GetSlotInfo', undefined, () => this.native.C_GetSlotInfo(slot)).slotDescription.trimEnd();
  }

  /** The mechanisms of a slot with their information, asked once per initialisation. */
  mechanisms(slot: pkcs11js.Handle, log: CallLog): Map<number, pkcs11js.MechanismInfo> {
    const key = slot.toString('hex');
    let infos = this.mechanismCache.get(key);
    if (!infos) {
      const list = callNative(log, 'C_GetMechanismList', undefined, () => this.native.C_GetMechanismList(slot));
      infos = new Map(list.map((type) => [type, callNative(log, 'C_GetMechanismInfo', undefined, () => this.native.C_GetMechanismInfo(slot, type))]));
      this.mechanismCache.set(key, infos);
    }
    return infos;
  }

  trackSession(session: Closable): void {
    this.sessions.add(session);
  }

  untrackSession(session: Closable): void {
    this.sessions.delete(session);
  }
}

const loaded = new Map<string, Pkcs11Module>();

/**
 * The module at `access.modulePath`, loaded and initialised once per process. Asked for
 * with another environment (a new SoftHSM token folder), it is initialised again if no
 * session is open.
 */
export function openPkcs11Module(access: ModuleAccess, log?: CallLog): Pkcs11Module {
  let module = loaded.get(access.modulePath);
  if (!module) {
    module = new Pkcs11Module(access.modulePath, access.env);
    loaded.set(access.modulePath, module);
  } else if (!module.hasEnv(access.env)) {
    if (module.sessionCount > 0) {
      throw new HarnessError(HarnessCodes.UNSUPPORTED, `${access.modulePath} is in use with another configuration (${Object.keys(access.env).join(', ')}); one process drives one configuration at a time`);
    }
    module.finalize(log);
  }
  module.initialize(access.env, log);
  return module;
}

/**
 * Closes every session and finalizes every module this process loaded, whatever
 * happened before. Call it when the run ends (cucumber's AfterAll). Every module is
 * finalized even when one fails; the first failure is thrown afterwards.
 */
export function closePkcs11Modules(): void {
  const failures: unknown[] = [];
  for (const module of loaded.values()) {
    try {
      module.finalize();
    } catch (error) {
      failures.push(error);
    }
  }
  loaded.clear();
  if (failures.length > 0) throw failures[0];
}
