/**
 * Steps that set PINs through PKCS#11 (C_SetPIN, C_InitPIN). On a PIV card through OpenSC
 * (docs/piv.md) C_SetPIN in a session where nobody is logged in takes the old value as the
 * PUK and unblocks the PIN (OpenSC's user_pin_unblock_style set_pin_in_unlogged_session).
 */
import { When } from '@cucumber/cucumber';
import type { CardspecWorld } from './support/world.js';

function secretPin(world: CardspecWorld, written: string): string {
  const value = world.expandText(written);
  world.secrets.add(value);
  return value;
}

When('I change the PIN from {string} to {string}', async function (this: CardspecWorld, oldPin: string, newPin: string) {
  const p11 = this.pkcs11;
  if (!p11) throw new Error('no PKCS#11 token yet: start the scenario with Given the PKCS#11 token "<label>"');
  const [from, to] = [secretPin(this, oldPin), secretPin(this, newPin)];
  await this.attempt(async () => p11.setPin(from, to));
});

When('I initialise the user PIN to {string}', async function (this: CardspecWorld, newPin: string) {
  const p11 = this.pkcs11;
  if (!p11) throw new Error('no PKCS#11 token yet: start the scenario with Given the PKCS#11 token "<label>"');
  const value = secretPin(this, newPin);
  await this.attempt(async () => p11.initPin(value));
});
