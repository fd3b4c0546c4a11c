import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HarnessCodes, HarnessError } from '../../core/errors.js';
import { ecdsaRawToDer } from './ecdsa-signature.js';
import { hashAlgorithm } from './hashes.js';
import { inTempDir, runOpenSsl, type OpenSslResult } from './openssl.js';
import type { SignedMessage } from './signature-scheme.js';

export interface OpenSslVerification extends OpenSslResult {
  verified: boolean;
}

/**
 * Checks a signature with the real `openssl` command, as a person would: `dgst -verify`
 * for hashed messages (PSS with the salt as long as the digest), `pkeyutl -verify` for raw
 * data, `pkeyutl -verify -rawin` for EdDSA. ECDSA signatures come as r||s and go to
 * OpenSSL as DER.
 */
export async function opensslVerify(publicKeyPem: string, signed: SignedMessage, signature: Buffer): Promise<OpenSslVerification> {
  const args = verifyArgs(signed);
  return inTempDir(async (dir) => {
    await writeFile(join(dir, 'pub.pem'), publicKeyPem);
    await writeFile(join(dir, 'sig.bin'), signed.scheme === 'ecdsa' ? ecdsaRawToDer(signature) : signature);
    await writeFile(join(dir, MESSAGE_FILE), signed.message);
    const result = await runOpenSsl(args, dir);
    return { ...result, verified: result.exitCode === 0 };
  });
}

const MESSAGE_FILE = 'msg.txt';

/** The arguments of the verification command for `signed` (exported for tests). */
export function verifyArgs(signed: SignedMessage): string[] {
  if (signed.scheme === 'eddsa') {
    return ['pkeyutl', '-verify', '-pubin', '-inkey', 'pub.pem', '-rawin', '-in', MESSAGE_FILE, '-sigfile', 'sig.bin'];
  }
  if (signed.hash === undefined) {
    if (signed.scheme === 'rsa-pss') {
      throw new HarnessError(HarnessCodes.UNSUPPORTED, 'OpenSSL cannot check a PSS signature without knowing its hash');
    }
    return ['pkeyutl', '-verify', '-pubin', '-inkey', 'pub.pem', '-sigfile', 'sig.bin', '-in', MESSAGE_FILE];
  }
  const pss = signed.scheme === 'rsa-pss' ? ['-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_pss_saltlen:digest'] : [];
  return ['dgst', `-${hashAlgorithm(signed.hash).nodeName}`, '-verify', 'pub.pem', '-signature', 'sig.bin', ...pss, MESSAGE_FILE];
}
