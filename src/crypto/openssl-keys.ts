import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HarnessCodes, HarnessError } from '../../core/errors.js';
import { OncePerKey } from '../../core/once-per-key.js';
import { onCleanup } from '../cleanup.js';
import { hashAlgorithm, type HashName } from './hashes.js';
import { parseKeyType, type KeyType, type KeyTypeName } from './key-types.js';
import { inTempDir, runOpenSslOrFail } from './openssl.js';

/** Generates a private key with `openssl genpkey`; returns it as PKCS#8 PEM. */
export function opensslGenerateKey(keyType: KeyType, signal?: AbortSignal): Promise<string> {
  return inTempDir(async (dir) => {
    await runOpenSslOrFail(['genpkey', ...genpkeyAlgorithm(keyType), '-out', 'key.pem'], dir, signal);
    return readFile(join(dir, 'key.pem'), 'utf8');
  });
}

/** Ends the generations of keys of the run still under way when the run ends (stopMakingKeysOfRun). */
let keysOfRunAbort = new AbortController();
/** Keys `openssl genpkey` made in this process, by "type #ordinal" (opensslKeyOfRun). */
const keysOfRun = new OncePerKey((key) => opensslGenerateKey(parseKeyType(key.slice(0, key.indexOf(' #'))), keysOfRunAbort.signal));
/** Whether a run cut short (exit, signal) kills the commands under way: registered once. */
let abortsOnCleanup = false;

/**
 * Key `ordinal` of `keyType` for this run: made with `openssl genpkey` the first time it is
 * asked for, the same PEM afterwards (a failed one is tried again by the next scenario).
 * RSA generation takes 0.1-2 s; a scenario that imports an OpenSSL key only needs one it
 * did not make on the token (its n-th import of a type gets key n, so two imports of one
 * scenario are two keys).
 */
export function opensslKeyOfRun(keyType: KeyType, ordinal: number): Promise<string> {
  if (!abortsOnCleanup) {
    abortsOnCleanup = true;
    onCleanup(() => keysOfRunAbort.abort());
  }
  return keysOfRun.get(`${keyType.name} #${ordinal}`);
}

/**
 * Starts making keys of the run (opensslKeyOfRun) in the background, one after another in
 * the order given (key-plan.ts: the order scenarios first import them), so that a scenario
 * finds its key made or under way. A key a scenario asks for first is made for it at once.
 */
export function makeOpenSslKeysAhead(keys: readonly { keyType: KeyTypeName; ordinal: number }[]): void {
  const signal = keysOfRunAbort.signal;
  let previous: Promise<unknown> = Promise.resolve();
  for (const { keyType, ordinal } of keys) {
    previous = previous.then(() => (signal.aborted ? undefined : opensslKeyOfRun(parseKeyType(keyType), ordinal))).catch(() => undefined);
  }
}

/** Kills the `openssl genpkey` of keys of the run still under way and starts no more: the run ends. */
export function stopMakingKeysOfRun(): void {
  keysOfRunAbort.abort();
  keysOfRunAbort = new AbortController();
  keysOfRun.clear();
}

function genpkeyAlgorithm(keyType: KeyType): string[] {
  if (keyType.kind === 'rsa') return ['-algorithm', 'RSA', '-pkeyopt', `rsa_keygen_bits:${keyType.modulusBits}`];
  if (keyType.curve.family === 'edwards') return ['-algorithm', 'ED25519'];
  return ['-algorithm', 'EC', '-pkeyopt', `ec_paramgen_curve:${keyType.curve.name}`];
}

/**
 * Signs `message` with `openssl dgst -<hash> -sign key.pem`: PKCS#1 v1.5 for RSA keys,
 * ECDSA (DER) for EC keys. Ed25519 has no hash to choose, so it is refused here.
 */
export function opensslSign(privateKeyPem: string, keyType: KeyType, message: Buffer, hash: HashName): Promise<Buffer> {
  if (keyType.kind === 'ec' && keyType.curve.family === 'edwards') {
    throw new HarnessError(HarnessCodes.UNSUPPORTED, 'OpenSSL signs with a hash for RSA and EC keys only; Ed25519 signs the message itself');
  }
  return inTempDir(async (dir) => {
    await writeFile(join(dir, 'key.pem'), privateKeyPem, { mode: 0o600 });
    await writeFile(join(dir, 'msg.txt'), message);
    await runOpenSslOrFail(['dgst', `-${hashAlgorithm(hash).nodeName}`, '-sign', 'key.pem', '-out', 'sig.bin', 'msg.txt'], dir);
    return readFile(join(dir, 'sig.bin'));
  });
}
