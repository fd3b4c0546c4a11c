import type { KeyObject } from 'node:crypto';
import pkcs11js from 'pkcs11js';
import { publicKeyFromComponents } from '../crypto/public-key.js';
import { readUlong } from './attributes.js';
import type { Pkcs11Session } from './session.js';
import { keyTypes } from './names.js';
import { HarnessCodes, HarnessError } from '../../core/errors.js';

/**
 * A token's public key as a node:crypto KeyObject, rebuilt from CKA_MODULUS and
 * CKA_PUBLIC_EXPONENT, or from CKA_EC_PARAMS and CKA_EC_POINT (EC and Edwards keys).
 */
export function exportPublicKey(session: Pkcs11Session, publicKey: pkcs11js.Handle): KeyObject {
  const keyType = readUlong(session.getAttribute(publicKey, pkcs11js.CKA_KEY_TYPE));
  if (keyType === pkcs11js.CKK_RSA) {
    return publicKeyFromComponents({
      kind: 'rsa',
      modulus: session.getAttribute(publicKey, pkcs11js.CKA_MODULUS),
      publicExponent: session.getAttribute(publicKey, pkcs11js.CKA_PUBLIC_EXPONENT),
    });
  }
  if (keyType === pkcs11js.CKK_EC || keyType === keyTypes.value('CKK_EC_EDWARDS')) {
    return publicKeyFromComponents({
      kind: 'ec',
      ecParams: session.getAttribute(publicKey, pkcs11js.CKA_EC_PARAMS),
      ecPoint: session.getAttribute(publicKey, pkcs11js.CKA_EC_POINT),
    });
  }
  throw new HarnessError(HarnessCodes.UNSUPPORTED, `cannot export a ${keyTypes.name(keyType)} public key: RSA, EC and Edwards keys are supported`);
}
