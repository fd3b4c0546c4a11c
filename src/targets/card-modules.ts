/**
 * Which PKCS#11 module of the system serves a virtual card: card middleware, not the
 * project's code. A profile with a PIV applet is read by OpenSC's PIV driver through
 * opensc-pkcs11.so (docs/piv.md).
 */
import { existsSync } from 'node:fs';
import { debianMultiarch } from '../../core/paths.js';
import type { CardProfile } from '../../core/profile/types.js';

/** OpenSC's PKCS#11 module: Debian's path for this machine, else the first that exists of the usual ones. */
export function openscModule(): string {
  const debian = `/usr/lib/${debianMultiarch() ?? 'x86_64-linux-gnu'}/opensc-pkcs11.so`;
  const candidates = [debian, '/usr/lib64/opensc-pkcs11.so', '/usr/lib/opensc-pkcs11.so', '/usr/local/lib/opensc-pkcs11.so'];
  return candidates.find((path) => existsSync(path)) ?? debian;
}

/** The module a client uses for this card, when its applets need one (undefined: a plain APDU card). */
export function pkcs11ModuleForCard(profile: CardProfile): string | undefined {
  return profile.applets.some((a) => a.type === 'piv') ? openscModule() : undefined;
}
