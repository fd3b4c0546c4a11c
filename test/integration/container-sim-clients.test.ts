import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { startSim, type RunningSim } from '../support/cli.js';

/**
 * Clients that are not ours against `cardspec sim --target container`, configured only by
 * the export lines it prints: pkcs11-tool and PyKCS11 reach the container's token through
 * the printed module with every mechanism SoftHSM offers (EdDSA included, which p11-kit's
 * RPC dropped), and opensc-tool reads EF 0001 through the container's pcscd.
 */
const run = promisify(execFile);
const PYTHON = '/usr/bin/python3';

describe('third-party clients against cardspec sim --target container', () => {
  let sim: RunningSim | undefined;
  let env: Record<string, string>;
  let dir: string;

  before(
    async () => {
      dir = mkdtempSync(join(tmpdir(), 'cardspec-container-clients-'));
      sim = await startSim(['--target', 'container', '--token', 'harness-token']);
      env = sim.env;
    },
    { timeout: 15 * 60_000 },
  );

  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await sim?.stop();
  });

  it('prints the proxy client module and its socket', () => {
    assert.match(env.PKCS11_MODULE ?? '', /libp11clientunix\.so$/);
    assert.match(env.PKCS11PROXY_SOCKET_PATH ?? '', /\/pkcs11proxy\.sock$/);
    assert.equal(env.PKCS11PROXY_LIBNAME, 'softhsm');
  });

  it('pkcs11-tool makes an Ed25519 key, signs with CKM_EDDSA and verifies; a flipped bit fails', async () => {
    const tool = ['--module', env.PKCS11_MODULE!, '--token-label', 'harness-token', '--login', '--pin', '1234'];
    const mechanisms = await run('pkcs11-tool', ['--module', env.PKCS11_MODULE!, '--list-mechanisms'], { env });
    for (const name of ['EDDSA', 'SHA256-RSA-PKCS-PSS', 'SHA224-RSA-PKCS']) assert.match(mechanisms.stdout, new RegExp(`^\\s+${name},`, 'm'));
    await run('pkcs11-tool', [...tool, '--keypairgen', '--key-type', 'EC:edwards25519', '--label', 'ed', '--id', '0e'], { env });
    const message = join(dir, 'message.bin');
    const signature = join(dir, 'signature.bin');
    writeFileSync(message, 'Hello World!\n');
    await run('pkcs11-tool', [...tool, '--sign', '--mechanism', 'EDDSA', '--id', '0e', '-i', message, '-o', signature], { env });
    assert.equal(readFileSync(signature).length, 64);
    const verified = await run('pkcs11-tool', [...tool, '--verify', '--mechanism', 'EDDSA', '--id', '0e', '-i', message, '--signature-file', signature], { env });
    assert.match(verified.stdout, /Signature is valid/);
    const tampered = Buffer.from(readFileSync(signature));
    tampered[0]! ^= 1;
    writeFileSync(signature, tampered);
    // pkcs11-tool exits 0 either way (OpenSC 0.23); it says which.
    const refused = await run('pkcs11-tool', [...tool, '--verify', '--mechanism', 'EDDSA', '--id', '0e', '-i', message, '--signature-file', signature], { env }).then(
      ({ stdout, stderr }) => stdout + stderr,
      (error: { stdout?: string; stderr?: string }) => `${error.stdout ?? ''}${error.stderr ?? ''}`,
    );
    assert.match(refused, /Invalid signature|CKR_SIGNATURE_INVALID/);
    assert.doesNotMatch(refused, /Signature is valid/);
  });

  it('PyKCS11 sees the token and all its mechanisms', async () => {
    const script = [
      'import os, PyKCS11',
      "lib = PyKCS11.PyKCS11Lib(); lib.load(os.environ['PKCS11_MODULE'])",
      "slot = next(s for s in lib.getSlotList(tokenPresent=True) if lib.getTokenInfo(s).label.strip() == 'harness-token')",
      "print(len(lib.getMechanismList(slot)), 'CKM_EDDSA' in lib.getMechanismList(slot))",
    ].join('\n');
    const { stdout } = await run(PYTHON, ['-c', script], { env });
    const [count, eddsa] = stdout.trim().split(' ');
    assert.ok(Number(count) >= 60, `${count} mechanisms`);
    assert.equal(eddsa, 'True');
  });

  it('opensc-tool reads EF 0001 through the container pcscd', async () => {
    const opensc = await run('opensc-tool', ['--reader', '0', '--send-apdu', '00A4000C020001', '--send-apdu', '00B0000000'], { env });
    assert.match(opensc.stdout, /48 65 6C 6C 6F 20 57 6F 72 6C 64 21 0A Hello World!/);
  });
});
