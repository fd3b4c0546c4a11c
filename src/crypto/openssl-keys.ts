import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HarnessCodes, HarnessError } from '../../core/errors.js';
import { hashAlgorithm, type HashName } from './hashes.js';
import type { KeyType } from './key-types.js';
import { inTempDir, runOpenSslOrFail } from './openssl.js';

/** Generates a private key with `openssl genpkey`; returns it as PKCS#8 PEM. */
export function opensslGenerateKey(keyType: KeyType): Promise<string> {
  return inTempDir(async (dir) => {
    await runOpenSslOrFail(['genpkey', ...genpkeyAlgorithm(keyType), '-out', 'key.pem'], dir);
    return readFile(join(dir, 'key.pem'), 'utf8');
  });
}

/** Keys `openssl genpkey` made in this process, by type and ordinal (opensslKeyOfRun). */
const keysOfRun = new Map<string, Promise<string>>();

/**
 * Key `ordinal` of `keyType` for this run: made with `openssl genpkey` the first time it is
 * asked for, the same PEM afterwards. RSA generation takes 0.1-2 s; a scenario that imports
 * an OpenSSL key only needs one it did not make on the token (its n-th import of a type
 * gets key n, so two imports of one scenario are two keys).
 */
export function opensslKeyOfRun(keyType: KeyType, ordinal: number): Promise<string> {
  const name = `${keyType.name} #${ordinal}`;
  let key = keysOfRun.get(name);
  if (!key) {
    key = opensslGenerateKey(keyType);
    // A failed generation is not kept: the next scenario tries again and reports its own error.
    key.catch(() => keysOfRun.delete(name));
    keysOfRun.set(name, key);
  }
  return key;
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
