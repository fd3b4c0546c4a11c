import type { HashName } from './hashes.js';

/** The signature families the harness checks outside the token (OpenSSL, node:crypto). */
export type SignatureScheme = 'rsa-pkcs1' | 'rsa-pss' | 'ecdsa' | 'eddsa';

/**
 * What a signature covers: the message as the step gave it, and the hash applied to it
 * (by the token's mechanism or by the host), or none when the raw data itself was signed.
 */
export interface SignedMessage {
  scheme: SignatureScheme;
  hash: HashName | undefined;
  message: Buffer;
}
