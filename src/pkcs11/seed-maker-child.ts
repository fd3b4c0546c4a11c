/**
 * The seed maker's child process (seed-maker.ts): reads one SeedOrder line on stdin, makes
 * its seeds in order as a PKCS#11 application of its own, writes a SeedReport line for each
 * one made, and exits when done, at the first failure, or when its stdin closes (its parent
 * is gone).
 */
import { createInterface } from 'node:readline';
import { parseKeyType } from '../crypto/key-types.js';
import { makeSeed } from './key-pairs.js';
import { closePkcs11Modules, openPkcs11Module } from './module.js';
import type { SeedOrder, SeedReport } from './seed-maker.js';
import { Pkcs11Session } from './session.js';
import { findToken } from './token.js';

async function make(order: SeedOrder): Promise<void> {
  // No call log (CallLog undefined): nothing here reads one.
  const module = openPkcs11Module(order);
  const sessions = new Map<string, Pkcs11Session>();
  for (const [index, seed] of order.seeds.entries()) {
    let session = sessions.get(seed.token);
    if (!session) {
      session = Pkcs11Session.open(findToken(module, seed.token, undefined));
      session.login('user', order.userPin);
      sessions.set(seed.token, session);
    }
    await makeSeed(session, parseKeyType(seed.keyType), seed.ordinal);
    const report: SeedReport = { made: index };
    process.stdout.write(`${JSON.stringify(report)}\n`);
  }
}

const input = createInterface({ input: process.stdin });
input.once('line', (line) => {
  make(JSON.parse(line) as SeedOrder)
    .then(
      () => 0,
      () => 1,
    )
    .then((code) => {
      closePkcs11Modules();
      process.exit(code);
    });
});
// The parent closed stdin or died: nothing more to make for anyone.
input.once('close', () => process.exit(0));
