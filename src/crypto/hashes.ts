import { createHash } from 'node:crypto';
import { didYouMean } from '../../core/text/nearest.js';
import { HarnessCodes, HarnessError } from '../../core/errors.js';

/**
 * The hashes a step can name (`the SHA-256 digest of`, `with SHA-256`, `using SHA-384`):
 * their node:crypto and OpenSSL names, length, and the DER DigestInfo prefix that PKCS#1
 * v1.5 puts before the digest (RFC 8017, section 9.2, note 1).
 */
export interface HashAlgorithm {
  name: HashName;
  /** Name for node:crypto and for `openssl dgst -<name>`. */
  nodeName: string;
  byteLength: number;
  digestInfoPrefix: Buffer;
}

export const HASH_NAMES = ['SHA-1', 'SHA-224', 'SHA-256', 'SHA-384', 'SHA-512'] as const;
export type HashName = (typeof HASH_NAMES)[number];

const HASHES: Record<HashName, HashAlgorithm> = {
  'SHA-1': { name: 'SHA-1', nodeName: 'sha1', byteLength: 20, digestInfoPrefix: Buffer.from('3021300906052b0e03021a05000414', 'hex') },
  'SHA-224': { name: 'SHA-224', nodeName: 'sha224', byteLength: 28, digestInfoPrefix: Buffer.from('302d300d06096086480165030402040500041c', 'hex') },
  'SHA-256': { name: 'SHA-256', nodeName: 'sha256', byteLength: 32, digestInfoPrefix: Buffer.from('3031300d060960864801650304020105000420', 'hex') },
  'SHA-384': { name: 'SHA-384', nodeName: 'sha384', byteLength: 48, digestInfoPrefix: Buffer.from('3041300d060960864801650304020205000430', 'hex') },
  'SHA-512': { name: 'SHA-512', nodeName: 'sha512', byteLength: 64, digestInfoPrefix: Buffer.from('3051300d060960864801650304020305000440', 'hex') },
};

export function isHashName(name: string): name is HashName {
  return (HASH_NAMES as readonly string[]).includes(name);
}

/** The hash a step names; anything else fails the step with the list of known hashes. */
export function hashAlgorithm(name: string): HashAlgorithm {
  if (!isHashName(name)) {
    throw new HarnessError(HarnessCodes.UNSUPPORTED, `unknown hash "${name}"${didYouMean(name, HASH_NAMES)}: use one of ${HASH_NAMES.join(', ')}`);
  }
  return HASHES[name];
}

export function digest(hash: HashName, data: Uint8Array): Buffer {
  return createHash(HASHES[hash].nodeName).update(data).digest();
}

/** DigestInfo || digest: what CKM_RSA_PKCS signs when the host hashed the message. */
export function digestInfo(hash: HashName, digestBytes: Uint8Array): Buffer {
  const algorithm = HASHES[hash];
  if (digestBytes.length !== algorithm.byteLength) {
    throw new HarnessError(HarnessCodes.UNSUPPORTED, `a ${hash} digest has ${algorithm.byteLength} bytes, not ${digestBytes.length}`);
  }
  return Buffer.concat([algorithm.digestInfoPrefix, digestBytes]);
}
