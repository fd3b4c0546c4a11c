import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { fromNativeError, Pkcs11Error } from './errors.js';

/** One call into the PKCS#11 module, for the scenario's report. PINs and data are never kept. */
export class Pkcs11Call {
  constructor(
    readonly at: Date,
    readonly functionName: string,
    /** The CKM_* name for calls that take a mechanism. */
    readonly mechanism: string | undefined,
    /** CKR_OK, the CKR_* name of the failure, or the message of a non-PKCS#11 error. */
    readonly result: string,
    readonly durationMs: number,
  ) {}

  /** `22:41:07.123  C_SignInit CKM_SHA256_RSA_PKCS  ->  CKR_OK  0.04 ms` */
  toString(): string {
    const time = this.at.toISOString().slice(11, 23);
    const name = this.mechanism ? `${this.functionName} ${this.mechanism}` : this.functionName;
    return `${time}  ${name}  ->  ${this.result}  ${this.durationMs.toFixed(2)} ms`;
  }
}

/** Where calls are recorded; undefined where nobody listens (module start and end). */
export type CallLog = Pkcs11Call[] | undefined;

/**
 * The native boundary: every pkcs11js call passes here, is timed and recorded, and its
 * error is translated into a Pkcs11Error exactly once.
 */
export function callNative<T>(log: CallLog, functionName: string, mechanism: string | undefined, body: () => T): T {
  const at = new Date();
  const start = performance.now();
  try {
    const result = body();
    log?.push(new Pkcs11Call(at, functionName, mechanism, 'CKR_OK', performance.now() - start));
    return result;
  } catch (error) {
    clearOpenSslErrors();
    throw recordFailure(log, at, start, functionName, mechanism, error);
  }
}

/**
 * Modules built on libcrypto (SoftHSM) bind to the OpenSSL that node exports, and share
 * its per-thread error queue: a failed C_Decrypt leaves "padding check failed" there, and
 * node's next key parse on this thread throws it. A synchronous node:crypto job ends by
 * clearing the queue (test/pkcs11/softhsm.integration.test.ts checks this), so one is run
 * after every failed call (after every call, it cost an ECDSA signature a fifth of its
 * speed). The *Async calls run on libuv's threads and are not affected.
 */
function clearOpenSslErrors(): void {
  randomBytes(1);
}

/** callNative for the pkcs11js *Async calls (key generation), which run off the event loop. */
export async function callNativeAsync<T>(log: CallLog, functionName: string, mechanism: string | undefined, body: () => Promise<T>): Promise<T> {
  const at = new Date();
  const start = performance.now();
  try {
    const result = await body();
    log?.push(new Pkcs11Call(at, functionName, mechanism, 'CKR_OK', performance.now() - start));
    return result;
  } catch (error) {
    throw recordFailure(log, at, start, functionName, mechanism, error);
  }
}

function recordFailure(log: CallLog, at: Date, start: number, functionName: string, mechanism: string | undefined, error: unknown): Error {
  const translated = fromNativeError(error, functionName);
  const result = translated instanceof Pkcs11Error ? translated.code : `error: ${translated.message}`;
  log?.push(new Pkcs11Call(at, functionName, mechanism, result, performance.now() - start));
  return translated;
}
