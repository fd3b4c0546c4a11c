import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { packageRoot } from '../../core/paths.js';
import type { TokenAccess } from '../../src/pkcs11/token.js';
import { SimulatorTarget } from '../../src/targets/simulator.js';
import { cardspec, startSim } from '../support/cli.js';

/**
 * Card-backed tokens (docs/piv.md): the harness's PIV token card through OpenSC, used by
 * the seed's clients (PyKCS11, pkcs11-tool, openssl) with the configuration the harness
 * gives OpenSC; the project's PKCS#11 features with --token-backend piv; and the hardware
 * target's login guard against a virtual PIV card standing in for a physical one.
 */
const execFileAsync = promisify(execFile);
const ROOT = packageRoot();
const PYTHON = '/usr/bin/python3';
const MESSAGE = 'Hello World!\n';

async function ok(file: string, args: string[], env: Record<string, string>): Promise<string> {
  try {
    return (await execFileAsync(file, args, { env: { ...(process.env as Record<string, string>), ...env } })).stdout;
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    throw new Error(`${file} ${args.join(' ')} failed:\n${e.stdout ?? ''}\n${e.stderr ?? ''}`, { cause: error });
  }
}

/** PyKCS11 on the token of `access` (found by its reader, as the harness finds it). */
function pykcs11(access: TokenAccess, body: string[]): string {
  return [
    'import os, sys, PyKCS11',
    'lib = PyKCS11.PyKCS11Lib(); lib.load(os.environ["PKCS11_MODULE"])',
    'slot = [s for s in lib.getSlotList(tokenPresent=True) if lib.getSlotInfo(s).slotDescription.strip() == os.environ["TOKEN_READER"]][0]',
    'session = lib.openSession(slot, PyKCS11.CKF_SERIAL_SESSION)',
    ...body,
  ].join('\n');
}

describe('the PIV token card of --token-backend piv', () => {
  let target: SimulatorTarget;
  let access: TokenAccess;
  let env: Record<string, string>;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cardspec-piv-token-'));
    writeFileSync(join(dir, 'msg.txt'), MESSAGE);
    target = new SimulatorTarget({ slot: 0, tokenSlot: 1, tokenBackend: 'piv' });
    await target.start();
    target.beginScenario();
    access = await target.token('harness-token');
    env = { PKCS11_MODULE: access.modulePath, TOKEN_READER: access.reader!, ...access.env };
  });

  after(async () => {
    await target?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is OpenSC on the card in its own reader, which is all OpenSC sees', async () => {
    assert.match(access.modulePath, /\/opensc-pkcs11\.so$/);
    assert.equal(access.reader, 'Virtual PCD 00 01');
    const slots = await ok('pkcs11-tool', ['--module', access.modulePath, '--list-slots'], env);
    assert.match(slots, /Virtual PCD 00 01[\s\S]*token label\s*: cardspec PIV test key 9A/);
    assert.doesNotMatch(slots, /Virtual PCD 00 00/, 'OpenSC ignores the APDU steps\' reader');
  });

  it('seed flow: PyKCS11 signs "Hello World!\\n" with CKM_SHA256_RSA_PKCS, pkcs11-tool exports the public key, openssl says Verified OK', async () => {
    const signature = join(dir, 'py.sig');
    const script = pykcs11(access, [
      'session.login(os.environ["TOKEN_PIN_VALUE"])',
      'key = session.findObjects([(PyKCS11.CKA_CLASS, PyKCS11.CKO_PRIVATE_KEY), (PyKCS11.CKA_ID, (1,))])[0]',
      'open(sys.argv[1], "wb").write(bytes(session.sign(key, b"Hello World!\\n", PyKCS11.Mechanism(PyKCS11.CKM_SHA256_RSA_PKCS))))',
      'session.logout(); session.closeSession()',
    ]);
    await ok(PYTHON, ['-c', script, signature], { ...env, TOKEN_PIN_VALUE: access.userPin });
    const der = join(dir, 'pub.der');
    await ok('pkcs11-tool', ['--module', access.modulePath, '--slot-description', access.reader!, '--read-object', '--type', 'pubkey', '--id', '01', '-o', der], env);
    await ok('openssl', ['pkey', '-pubin', '-inform', 'DER', '-in', der, '-out', join(dir, 'pub.pem')], {});
    const verified = await ok('openssl', ['dgst', '-sha256', '-verify', join(dir, 'pub.pem'), '-signature', signature, join(dir, 'msg.txt')], {});
    assert.equal(verified.trim(), 'Verified OK');
  });

  it('the other way: openssl signs with the published test key of 9A, the token verifies with C_Verify and refuses a changed message', async () => {
    const signature = join(dir, 'openssl.sig');
    await ok('openssl', ['dgst', '-sha256', '-sign', join(ROOT, 'simulator/profiles/piv/9a-key.pem'), '-out', signature, join(dir, 'msg.txt')], {});
    const script = pykcs11(access, [
      'key = session.findObjects([(PyKCS11.CKA_CLASS, PyKCS11.CKO_PUBLIC_KEY), (PyKCS11.CKA_ID, (1,))])[0]',
      'sig = open(sys.argv[1], "rb").read()',
      'mech = PyKCS11.Mechanism(PyKCS11.CKM_SHA256_RSA_PKCS)',
      'print("good", session.verify(key, b"Hello World!\\n", sig, mech))',
      'print("changed", session.verify(key, b"Hello World?\\n", sig, mech))',
    ]);
    const out = await ok(PYTHON, ['-c', script, signature], env);
    assert.match(out, /^good True$/m);
    assert.match(out, /^changed False$/m);
  });

  it('a fresh card per scenario: a PIN locked in one scenario is not locked in the next', async () => {
    const lock = pykcs11(access, [
      'for pin in ["0000", "0001", "0002"]:',
      '    try: session.login(pin)',
      '    except PyKCS11.PyKCS11Error as e: print(e)',
    ]);
    const out = await ok(PYTHON, ['-c', lock], env);
    assert.match(out, /CKR_PIN_INCORRECT[\s\S]*CKR_PIN_INCORRECT[\s\S]*CKR_PIN_LOCKED/);
    target.beginScenario();
    const next = await target.token('harness-token');
    const login = pykcs11(next, ['session.login(os.environ["TOKEN_PIN_VALUE"]); print("logged in")']);
    assert.match(await ok(PYTHON, ['-c', login], { ...env, TOKEN_PIN_VALUE: next.userPin }), /logged in/);
  });
});

describe('cardspec run --token-backend piv', () => {
  it('runs the PKCS#11 features on the PIV card, @softhsm-only left out, @piv-only in', async () => {
    const { code, output } = await cardspec(['run', '--token-backend', 'piv', 'features/pkcs11'], { env: { TOKEN_PIN: '1234', CARD_PIN: '1234' } });
    assert.equal(code, 0, output);
    assert.match(output, /passed {2}features\/pkcs11\/piv-pin\.feature:\d+ +The PUK unblocks a locked PIN and sets a new one/);
    assert.doesNotMatch(output, /features\/pkcs11\/openssl-keys\.feature/);
    assert.match(output, /^\d+ passed, 0 failed/m);
  });

  it('with two workers on two vpcd readers, says the token card has no reader left', async () => {
    const { code, output } = await cardspec(['run', '--token-backend', 'piv', 'features/pkcs11/login.feature', '--', '--parallel', '2']);
    assert.notEqual(code, 0);
    assert.match(output, /the piv token card needs a vpcd reader of its own, "Virtual PCD 00 0[23]"/);
  });
});

describe('the hardware target\'s login guard on a PIV card', () => {
  it('refuses the login that would lock the PIN; @destructive lets it happen', async () => {
    const sim = await startSim(['--card', 'piv-token', '--slot', '1']);
    const dir = mkdtempSync(join(tmpdir(), 'cardspec-piv-guard-'));
    try {
      const config = join(dir, 'bench.yaml');
      const module = sim.env.PKCS11_MODULE!;
      writeFileSync(config, [
        'reader: Virtual PCD 00 01',
        'pkcs11:',
        `  module: ${module}`,
        '  tokens:',
        '    - label: harness-token',
        '      reader: Virtual PCD 00 01     # OpenSC names the token after the card\'s 9A certificate',
        '      userPin: ${env:PIV_PIN}',
        '',
      ].join('\n'));
      const { code, output } = await cardspec(['run', '--target', 'hardware', '--config', config, 'test/fixtures/piv-login-guard.feature'], { env: { PIV_PIN: '1234' } });
      assert.equal(code, 0, output);
      assert.match(output, /^3 passed, 0 failed$/m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await sim.stop();
    }
  });
});
