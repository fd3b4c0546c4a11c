/**
 * Key names on tokens that cannot make key pairs. A PIV card through OpenSC offers no
 * CKM_RSA_PKCS_KEY_PAIR_GEN or CKM_EC_KEY_PAIR_GEN (keys are made on the card with the
 * management key, outside PKCS#11) and no C_CreateObject; its keys sit in the slots 9A,
 * 9C, 9D and 9E under OpenSC's labels ("PIV AUTH key", "SIGN key", ...). There, `Given an
 * RSA-2048 key pair labelled "signer"` names a key pair the card already has: the first
 * pair of that type and size (in the token's object order) that no other name of the
 * scenario took. The name lives as long as the scenario; the card's label stays as it is
 * (docs/piv.md, "Card-backed tokens").
 */
import pkcs11js from 'pkcs11js';
import { HarnessCodes, HarnessError } from '../../core/errors.js';
import { readUlong } from './attributes.js';
import type { KeyType } from '../crypto/key-types.js';
import { mechanismFlags } from './flags.js';
import { describeKey, generationTemplates, type KeyPairHandles } from './key-pairs.js';
import { mechanisms } from './names.js';
import type { Pkcs11Session } from './session.js';

/** Whether the token offers the key-pair generation mechanism for `keyType`. */
export function canGenerate(session: Pkcs11Session, keyType: KeyType): boolean {
  const { mechanism } = generationTemplates(keyType, '', { tokenObjects: false });
  const info = session.token.mechanisms().get(mechanisms.value(mechanism));
  return info !== undefined && (info.flags & mechanismFlags.bit('GENERATE_KEY_PAIR')) !== 0;
}

export class KeyNames {
  /** CKA_ID of the pair each name stands for. */
  private readonly ids = new Map<string, Buffer>();

  has(name: string): boolean {
    return this.ids.has(name);
  }

  /** The objects a bound name stands for (of one class if given), or undefined for a name not bound. */
  objects(session: Pkcs11Session, name: string, objectClass?: number): pkcs11js.Handle[] | undefined {
    const id = this.ids.get(name);
    if (id === undefined) return undefined;
    const template: pkcs11js.Template = [{ type: pkcs11js.CKA_ID, value: id }];
    if (objectClass !== undefined) template.push({ type: pkcs11js.CKA_CLASS, value: objectClass });
    return session.findObjects(template).filter((o) => objectClass !== undefined || isKey(session, o));
  }

  /** Binds `name` to a pair of the token's own keys of `keyType` that no other name took. */
  bind(session: Pkcs11Session, name: string, keyType: KeyType): KeyPairHandles {
    const taken = [...this.ids.values()];
    const offered: string[] = [];
    for (const privateKey of session.findObjects([{ type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY }])) {
      const id = session.getAttribute(privateKey, pkcs11js.CKA_ID);
      const publicKey = session.findObjects([{ type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PUBLIC_KEY }, { type: pkcs11js.CKA_ID, value: id }])[0];
      if (publicKey === undefined) continue;
      const found = describeKey(session, publicKey);
      offered.push(`${found} (CKA_ID ${id.toString('hex').toUpperCase()})${taken.some((t) => t.equals(id)) ? ' taken' : ''}`);
      if (found !== keyType.name || taken.some((t) => t.equals(id))) continue;
      this.ids.set(name, id);
      return { privateKey, publicKey };
    }
    throw new HarnessError(
      HarnessCodes.UNSUPPORTED,
      `the token cannot generate key pairs (it offers no ${generationTemplates(keyType, '', { tokenObjects: false }).mechanism}) and has no ${keyType.name} key pair ` +
        `left to stand for "${name}" (its key pairs: ${offered.join(', ') || 'none visible; a private key may need a login'})`,
    );
  }
}

function isKey(session: Pkcs11Session, object: pkcs11js.Handle): boolean {
  const objectClass = readUlong(session.getAttribute(object, pkcs11js.CKA_CLASS));
  return objectClass === pkcs11js.CKO_PRIVATE_KEY || objectClass === pkcs11js.CKO_PUBLIC_KEY;
}
