import pkcs11js from 'pkcs11js';
import { didYouMean } from '../../core/text/nearest.js';
import { HarnessCodes, HarnessError } from '../../core/errors.js';
import { hashAlgorithm, type HashName } from '../crypto/hashes.js';
import type { SignatureScheme } from '../crypto/signature-scheme.js';
import { mechanisms } from './names.js';
import type { NativeMechanism } from './session.js';

export type Operation = 'sign' | 'encrypt' | 'digest';

/** What the harness knows about a mechanism it drives. */
export interface MechanismDescription {
  name: string;
  operation: Operation;
  /** For signatures: the family, for checks outside the token. Undefined for CKM_RSA_X_509. */
  scheme?: SignatureScheme;
  /** The hash the mechanism applies itself (CKM_SHA256_RSA_PKCS) or computes (CKM_SHA256). */
  hash?: HashName;
  /** Signs the bytes as given (CKM_RSA_PKCS, CKM_ECDSA): the host may hash the message first. */
  raw: boolean;
}

/** The PKCS#11 names of each hash: its digest mechanism and its MGF1 generator. */
const HASH_MECHANISMS: Record<HashName, { digest: string; mgf1: number; token: string }> = {
  'SHA-1': { digest: 'CKM_SHA_1', mgf1: pkcs11js.CKG_MGF1_SHA1, token: 'SHA1' },
  'SHA-224': { digest: 'CKM_SHA224', mgf1: pkcs11js.CKG_MGF1_SHA224, token: 'SHA224' },
  'SHA-256': { digest: 'CKM_SHA256', mgf1: pkcs11js.CKG_MGF1_SHA256, token: 'SHA256' },
  'SHA-384': { digest: 'CKM_SHA384', mgf1: pkcs11js.CKG_MGF1_SHA384, token: 'SHA384' },
  'SHA-512': { digest: 'CKM_SHA512', mgf1: pkcs11js.CKG_MGF1_SHA512, token: 'SHA512' },
};
const HASHES = Object.keys(HASH_MECHANISMS) as HashName[];

/** CKZ_DATA_SPECIFIED: the OAEP label is given in the parameters (here: empty). */
const CKZ_DATA_SPECIFIED = 1;

function catalog(): MechanismDescription[] {
  const list: MechanismDescription[] = [
    { name: 'CKM_RSA_PKCS', operation: 'sign', scheme: 'rsa-pkcs1', raw: true },
    { name: 'CKM_RSA_PKCS_PSS', operation: 'sign', scheme: 'rsa-pss', raw: true },
    { name: 'CKM_RSA_X_509', operation: 'sign', raw: true },
    { name: 'CKM_ECDSA', operation: 'sign', scheme: 'ecdsa', raw: true },
    { name: 'CKM_EDDSA', operation: 'sign', scheme: 'eddsa', raw: false },
    { name: 'CKM_RSA_PKCS', operation: 'encrypt', raw: true },
    { name: 'CKM_RSA_PKCS_OAEP', operation: 'encrypt', raw: true },
    { name: 'CKM_RSA_X_509', operation: 'encrypt', raw: true },
    { name: 'CKM_MD5', operation: 'digest', raw: false },
  ];
  for (const hash of HASHES) {
    const { digest, token } = HASH_MECHANISMS[hash];
    list.push(
      { name: `CKM_${token}_RSA_PKCS`, operation: 'sign', scheme: 'rsa-pkcs1', hash, raw: false },
      { name: `CKM_${token}_RSA_PKCS_PSS`, operation: 'sign', scheme: 'rsa-pss', hash, raw: false },
      { name: `CKM_ECDSA_${token}`, operation: 'sign', scheme: 'ecdsa', hash, raw: false },
      { name: digest, operation: 'digest', hash, raw: false },
    );
  }
  return list;
}

const CATALOG = catalog();

/** The mechanisms the harness can sign, encrypt or digest with, for messages. */
export function usableMechanismNames(): string[] {
  return [...new Set(CATALOG.map((m) => m.name))];
}

/** The mechanism named in a step, for an operation; an unknown or unfit name fails with the list of fitting ones. */
export function describeMechanism(name: string, operation: Operation): MechanismDescription {
  const found = CATALOG.find((m) => m.name === name && m.operation === operation);
  if (!found) {
    const fitting = CATALOG.filter((m) => m.operation === operation).map((m) => m.name);
    const known = mechanisms.find(name) !== undefined
      ? `${name} is not a mechanism the harness can use for ${operation}`
      : `unknown mechanism "${name}"${didYouMean(name, mechanisms.names())}`;
    throw new HarnessError(HarnessCodes.UNSUPPORTED, `${known}: use one of ${fitting.join(', ')}`);
  }
  return found;
}

export interface MechanismOptions {
  /** The hash of a digest the host computed, for the raw PSS mechanism (its parameters name it). */
  prehash?: HashName;
  /** OAEP's hash and MGF1 hash (`using CKM_RSA_PKCS_OAEP with SHA-256`); SHA-1 by default. */
  oaepHash?: HashName;
}

/**
 * The mechanism with its parameters, by docs/steps.md: PSS takes the mechanism's hash, MGF1
 * with the same hash and a salt as long as the hash; OAEP takes SHA-1, MGF1-SHA-1 and an
 * empty label unless another hash is asked for. Nothing is ever swapped for another mechanism.
 */
export function buildMechanism(description: MechanismDescription, options: MechanismOptions = {}): NativeMechanism {
  const mechanism = mechanisms.value(description.name);
  if (options.oaepHash !== undefined && description.name !== 'CKM_RSA_PKCS_OAEP') {
    throw new HarnessError(HarnessCodes.UNSUPPORTED, `"with ${options.oaepHash}" chooses the hash of CKM_RSA_PKCS_OAEP; ${description.name} takes none`);
  }
  if (description.scheme === 'rsa-pss') {
    const hash = description.hash ?? options.prehash;
    if (hash === undefined) {
      throw new HarnessError(HarnessCodes.UNSUPPORTED, `${description.name} signs a digest: write "I sign the SHA-256 digest of ..." so its parameters can name the hash`);
    }
    return { name: description.name, native: { mechanism, parameter: pssParameters(hash) } };
  }
  if (description.name === 'CKM_RSA_PKCS_OAEP') {
    return { name: description.name, native: { mechanism, parameter: oaepParameters(options.oaepHash ?? 'SHA-1') } };
  }
  return { name: description.name, native: { mechanism } };
}

export function pssParameters(hash: HashName): pkcs11js.RsaPSS {
  const { digest, mgf1 } = HASH_MECHANISMS[hash];
  return { type: pkcs11js.CK_PARAMS_RSA_PSS, hashAlg: mechanisms.value(digest), mgf: mgf1, saltLen: hashAlgorithm(hash).byteLength };
}

export function oaepParameters(hash: HashName): pkcs11js.RsaOAEP {
  const { digest, mgf1 } = HASH_MECHANISMS[hash];
  return { type: pkcs11js.CK_PARAMS_RSA_OAEP, hashAlg: mechanisms.value(digest), mgf: mgf1, source: CKZ_DATA_SPECIFIED };
}
