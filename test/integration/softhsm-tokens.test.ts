/**
 * Tokens made for a run while another SoftHSM reads the same token folder (the scenarios'
 * module, the seed maker, the container's proxy): a SoftHSM that lists the slots while a
 * token is half made (C_InitToken done, C_InitPIN not yet) would keep it without a user PIN
 * and refuse every login there (core/softhsm.ts, initSoftHsmToken).
 */
import assert from 'node:assert/strict';
import { setImmediate as turn } from 'node:timers/promises';
import { describe, it } from 'node:test';
import pkcs11js from 'pkcs11js';
import { SoftHsmTokens } from '../../src/targets/softhsm.js';

const TOKENS = 8;

describe('SoftHSM tokens made while another SoftHSM lists the slots', () => {
  it('are never seen without their user PIN: the user logs in on every one', async () => {
    const tokens = new SoftHsmTokens();
    const p11 = new pkcs11js.PKCS11();
    try {
      const first = await tokens.token('listed-0');
      // SoftHSM reads its configuration at C_Initialize, from the environment.
      process.env.SOFTHSM2_CONF = first.env.SOFTHSM2_CONF;
      p11.load(first.modulePath);
      p11.C_Initialize();
      let listings = 0;
      const refused: string[] = [];
      for (let i = 1; i <= TOKENS; i++) {
        const label = `listed-${i}`;
        let made = false;
        const making = tokens.token(label).then(() => (made = true));
        // As often as can be while softhsm2-util runs: SoftHSM reads the token folder at C_Initialize.
        while (!made) {
          p11.C_Finalize();
          p11.C_Initialize();
          for (const slot of p11.C_GetSlotList(true)) p11.C_GetTokenInfo(slot);
          listings++;
          await turn();
        }
        await making;
        // The token as the last read saw it, if it saw it: a half-made one refuses the user.
        for (const slot of p11.C_GetSlotList(true)) {
          const info = p11.C_GetTokenInfo(slot);
          if ((info.flags & pkcs11js.CKF_TOKEN_INITIALIZED) === 0 || info.label.trim() !== label) continue;
          const session = p11.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION);
          try {
            p11.C_Login(session, pkcs11js.CKU_USER, first.userPin);
            p11.C_Logout(session);
          } catch (error) {
            refused.push(`${label}: ${(error as Error).message}`);
          } finally {
            p11.C_CloseSession(session);
          }
        }
      }
      assert.ok(listings > TOKENS, `the folder was read while tokens were made (${listings} reads)`);
      assert.deepEqual(refused, []);
      // Read once more, every token is there, whole.
      p11.C_Finalize();
      p11.C_Initialize();
      const labels = p11.C_GetSlotList(true)
        .map((slot) => p11.C_GetTokenInfo(slot))
        .filter((info) => (info.flags & pkcs11js.CKF_USER_PIN_INITIALIZED) !== 0)
        .map((info) => info.label.trim())
        .sort();
      assert.deepEqual(labels, Array.from({ length: TOKENS + 1 }, (_, i) => `listed-${i}`).sort());
    } finally {
      try {
        p11.C_Finalize();
      } catch {
        // Not initialised: the first token failed.
      }
      delete process.env.SOFTHSM2_CONF;
      await tokens.dispose();
    }
  });
});
