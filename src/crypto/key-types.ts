import { didYouMean } from '../../core/text/nearest.js';
import { HarnessCodes, HarnessError } from '../../core/errors.js';
import { curveByName, type Curve } from './curves.js';

/** The key types a step can name, as docs/steps.md writes them. */
export const KEY_TYPE_NAMES = ['RSA-2048', 'RSA-3072', 'RSA-4096', 'EC-P256', 'EC-P384', 'Ed25519'] as const;
export type KeyTypeName = (typeof KEY_TYPE_NAMES)[number];

export type KeyType = { name: KeyTypeName } & ({ kind: 'rsa'; modulusBits: number } | { kind: 'ec'; curve: Curve });

/** Parses a key type name; an unknown one fails with the list of those the harness knows. */
export function parseKeyType(name: string): KeyType {
  switch (name) {
    case 'RSA-2048':
    case 'RSA-3072':
    case 'RSA-4096':
      return { name, kind: 'rsa', modulusBits: Number(name.slice(4)) };
    case 'EC-P256':
      return { name, kind: 'ec', curve: curveByName('P-256') };
    case 'EC-P384':
      return { name, kind: 'ec', curve: curveByName('P-384') };
    case 'Ed25519':
      return { name, kind: 'ec', curve: curveByName('Ed25519') };
    default:
      throw new HarnessError(HarnessCodes.UNSUPPORTED, `unknown key type "${name}"${didYouMean(name, KEY_TYPE_NAMES)}: use one of ${KEY_TYPE_NAMES.join(', ')}`);
  }
}
