/**
 * Seeds made ahead by a child process on a real SoftHSM token: this process sees them, they
 * are generated keys (CKA_LOCAL), the child's login is not this process's, and the child is
 * gone when the tokens are disposed of.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pkcs11js from 'pkcs11js';
import { parseKeyType } from '../../src/crypto/key-types.js';
import type { Pkcs11Call } from '../../src/pkcs11/calls.js';
import { ensureKeyPair, findKeyPair, seedLabel } from '../../src/pkcs11/key-pairs.js';
import { closePkcs11Modules, openPkcs11Module } from '../../src/pkcs11/module.js';
import { Pkcs11Session } from '../../src/pkcs11/session.js';
import { findToken, type TokenAccess } from '../../src/pkcs11/token.js';
import { SoftHsmTokens } from '../../src/targets/softhsm.js';

const rsa2048 = parseKeyType('RSA-2048');

/** The pids of this process's children that run the seed maker. */
async function seedMakerPids(): Promise<number[]> {
  const { readdirSync, readFileSync } = await import('node:fs');
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        const status = readFileSync(`/proc/${pid}/status`, 'utf8');
        const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        return status.includes(`\nPPid:\t${process.pid}\n`) && cmdline.includes('seed-maker-child');
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe('seeds made ahead', () => {
  const tokens = new SoftHsmTokens();
  const log: Pkcs11Call[] = [];
  let access: TokenAccess;

  before(async () => {
    tokens.makeSeedsAhead([
      { token: 'ahead', keyType: 'RSA-2048', ordinal: 1 },
      { token: 'ahead', keyType: 'RSA-2048', ordinal: 2 },
    ]);
    access = await tokens.token('ahead');
  });

  after(async () => {
    closePkcs11Modules();
    await tokens.dispose();
  });

  it('are made by a child process, and this process copies them as generated keys', async () => {
    assert.ok(access.keySeeds, 'the token offers seeds made ahead');
    assert.equal(await access.keySeeds('RSA-2048', 1), true);
    assert.equal(await access.keySeeds('RSA-2048', 2), true);
    assert.equal(await access.keySeeds('RSA-3072', 1), false, 'not planned: made by whoever asks');

    const session = Pkcs11Session.open(findToken(openPkcs11Module(access, log), access.label, log));
    try {
      assert.equal(session.loggedInAs(), undefined, "the child's login is not this process's");
      session.login('user', access.userPin);
      const seed = findKeyPair(session, seedLabel(rsa2048, 1));
      assert.ok(seed.privateKey && seed.publicKey, 'seed #1 is on the token');
      const generated = log.filter((call) => call.functionName === 'C_GenerateKeyPair').length;
      const keys = await ensureKeyPair(session, 'copy', rsa2048, { tokenObjects: false, seed: { ordinal: 1, madeAhead: access.keySeeds! } });
      assert.equal(log.filter((call) => call.functionName === 'C_GenerateKeyPair').length, generated, 'copied, not generated here');
      const local = session.getAttribute(keys.privateKey!, pkcs11js.CKA_LOCAL);
      assert.equal(local[0], 1, 'CKA_LOCAL: a generated key');
      assert.deepEqual(session.getAttribute(keys.publicKey!, pkcs11js.CKA_MODULUS), session.getAttribute(seed.publicKey, pkcs11js.CKA_MODULUS));
    } finally {
      session.close();
    }
  });

  it('stop with the tokens: no child is left', async () => {
    const more = new SoftHsmTokens();
    more.makeSeedsAhead([{ token: 'stopped', keyType: 'RSA-4096', ordinal: 1 }]);
    await more.token('stopped');
    // Give the child time to start its key.
    for (let i = 0; i < 100 && (await seedMakerPids()).length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    assert.ok((await seedMakerPids()).length > 0, 'the child runs');
    await more.dispose();
    assert.deepEqual(await seedMakerPids(), []);
  });
});
