import { HarnessCodes, HarnessError } from '../../core/errors.js';
import { digest, digestInfo, type HashName } from '../crypto/hashes.js';
import type { SignedMessage } from '../crypto/signature-scheme.js';
import type { MechanismDescription } from './mechanisms.js';

/** What a step signs: the message (text or hex data), and the hash the host applied to it first, if any. */
export interface SigningInput {
  message: Buffer;
  hostHash: HashName | undefined;
}

/**
 * The bytes that go to C_Sign or C_Verify. A raw mechanism (CKM_ECDSA, CKM_RSA_PKCS) gets
 * the host's digest, with its DigestInfo for CKM_RSA_PKCS, as middleware does for tokens
 * that cannot hash; a hashing mechanism gets the message and hashes it itself, so a
 * signature over a host digest also verifies with CKM_SHA256_RSA_PKCS.
 */
export function tokenInput(mechanism: MechanismDescription, input: SigningInput): Buffer {
  if (!mechanism.raw || input.hostHash === undefined) return input.message;
  const hashed = digest(input.hostHash, input.message);
  return mechanism.scheme === 'rsa-pkcs1' ? digestInfo(input.hostHash, hashed) : hashed;
}

/** What a signature made with `mechanism` over `input` covers, for OpenSSL. */
export function signedMessage(mechanism: MechanismDescription, input: SigningInput): SignedMessage {
  if (!mechanism.scheme) {
    throw new HarnessError(HarnessCodes.UNSUPPORTED, `OpenSSL has no check for ${mechanism.name} signatures`);
  }
  return { scheme: mechanism.scheme, hash: mechanism.hash ?? input.hostHash, message: input.message };
}
