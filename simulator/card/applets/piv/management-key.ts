/**
 * The PIV card application administration key (9B): 3DES or AES, ECB on one block, as
 * the challenge-response exchanges of SP 800-73-4 part 2 appendix A.1 use it.
 */
import { createCipheriv } from 'node:crypto';
import { ALG } from './constants.js';

interface Cipher {
  name: string;
  keyBytes: number;
  blockBytes: number;
}

const CIPHERS: Record<number, Cipher> = {
  [ALG.TDES]: { name: 'des-ede3', keyBytes: 24, blockBytes: 8 },
  [ALG.AES128]: { name: 'aes-128-ecb', keyBytes: 16, blockBytes: 16 },
  [ALG.AES192]: { name: 'aes-192-ecb', keyBytes: 24, blockBytes: 16 },
  [ALG.AES256]: { name: 'aes-256-ecb', keyBytes: 32, blockBytes: 16 },
};

/** The names a profile writes for the algorithms. */
export const MANAGEMENT_ALGORITHMS: Record<string, number> = { '3DES': ALG.TDES, AES128: ALG.AES128, AES192: ALG.AES192, AES256: ALG.AES256 };

export function managementKeyBytes(algorithm: number): number | undefined {
  return CIPHERS[algorithm]?.keyBytes;
}

export class ManagementKey {
  algorithm: number;
  value: Buffer;

  constructor(algorithm: number, value: Buffer) {
    this.algorithm = algorithm;
    this.value = Buffer.from(value);
  }

  get blockBytes(): number {
    return CIPHERS[this.algorithm]!.blockBytes;
  }

  encrypt(block: Buffer): Buffer {
    const c = createCipheriv(CIPHERS[this.algorithm]!.name, this.value, null).setAutoPadding(false);
    return Buffer.concat([c.update(block), c.final()]);
  }

}
