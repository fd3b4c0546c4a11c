import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { startSim, type RunningSim } from '../support/cli.js';

/**
 * Clients that are not ours against what `cardspec sim` keeps running, configured only by
 * the export lines it prints: pyscard, scriptor and opensc-tool read EF 0001; PyKCS11
 * signs, pkcs11-tool exports the public key and openssl verifies.
 */
const run = promisify(execFile);
/** Debian's Python, which has python3-pyscard and python3-pykcs11 (another python3 may come first on PATH). */
const PYTHON = '/usr/bin/python3';

describe('third-party clients against cardspec sim', () => {
  let sim: RunningSim | undefined;
  let env: Record<string, string>;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cardspec-clients-'));
    sim = await startSim(['--card', 'iso7816-demo', '--token', 'harness-token']);
    env = sim.env;
  });

  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await sim?.stop();
  });

  it('prints the reader, the module and SOFTHSM2_CONF', () => {
    assert.equal(env.CARDSPEC_READER_0, 'Virtual PCD 00 00');
    assert.equal(env.PKCS11_MODULE, '/usr/lib/softhsm/libsofthsm2.so');
    assert.ok(env.SOFTHSM2_CONF && existsSync(env.SOFTHSM2_CONF));
  });

  it('pyscard reads EF 0001', async () => {
    const script = [
      'import os',
      'from smartcard.System import readers',
      "reader = next(r for r in readers() if str(r) == os.environ['CARDSPEC_READER_0'])",
      'c = reader.createConnection(); c.connect()',
      'c.transmit([0x00, 0xA4, 0x00, 0x0C, 0x02, 0x00, 0x01])',
      'data, sw1, sw2 = c.transmit([0x00, 0xB0, 0x00, 0x00, 0x00])',
      "print(bytes(data).decode(), end='')",
      "print('%02X%02X' % (sw1, sw2))",
    ].join('\n');
    const { stdout } = await run(PYTHON, ['-c', script], { env });
    assert.equal(stdout, 'Hello World!\n9000\n');
  });

  it('scriptor and opensc-tool read EF 0001', async () => {
    const scriptFile = join(dir, 'read.apdu');
    writeFileSync(scriptFile, '00 A4 00 0C 02 00 01\n00 B0 00 00 00\n');
    const scriptor = await run('scriptor', ['-r', env.CARDSPEC_READER_0!, scriptFile], { env });
    assert.match(scriptor.stdout, /< 48 65 6C 6C 6F 20 57 6F 72 6C 64 21 0A 90 00/);
    const opensc = await run('opensc-tool', ['--reader', '0', '--send-apdu', '00A4000C020001', '--send-apdu', '00B0000000'], { env });
    assert.match(opensc.stdout, /48 65 6C 6C 6F 20 57 6F 72 6C 64 21 0A Hello World!/);
  });

  it('PyKCS11 signs, pkcs11-tool exports the public key, openssl dgst verifies', async () => {
    const module = env.PKCS11_MODULE!;
    await run('pkcs11-tool', ['--module', module, '--token-label', 'harness-token', '--login', '--pin', '1234',
      '--keypairgen', '--key-type', 'rsa:2048', '--label', 'signer', '--id', '01'], { env });
    const script = [
      'import os, sys, PyKCS11',
      'lib = PyKCS11.PyKCS11Lib(); lib.load(os.environ["PKCS11_MODULE"])',
      'slot = next(s for s in lib.getSlotList(tokenPresent=True) if lib.getTokenInfo(s).label.strip() == "harness-token")',
      'session = lib.openSession(slot); session.login("1234")',
      'key = session.findObjects([(PyKCS11.CKA_CLASS, PyKCS11.CKO_PRIVATE_KEY), (PyKCS11.CKA_LABEL, "signer")])[0]',
      'signature = bytes(session.sign(key, b"Hello World!\\n", PyKCS11.Mechanism(PyKCS11.CKM_SHA256_RSA_PKCS)))',
      'open(sys.argv[1], "wb").write(signature)',
      'session.logout(); session.closeSession()',
    ].join('\n');
    await run(PYTHON, ['-c', script, join(dir, 'sig.bin')], { env });
    writeFileSync(join(dir, 'msg.txt'), 'Hello World!\n');
    await run('pkcs11-tool', ['--module', module, '--token-label', 'harness-token', '--read-object', '--type', 'pubkey',
      '--label', 'signer', '-o', join(dir, 'pub.der')], { env });
    await run('openssl', ['pkey', '-pubin', '-inform', 'DER', '-in', join(dir, 'pub.der'), '-out', join(dir, 'pub.pem')]);
    const verified = await run('openssl', ['dgst', '-sha256', '-verify', join(dir, 'pub.pem'), '-signature', join(dir, 'sig.bin'), join(dir, 'msg.txt')]);
    assert.equal(verified.stdout.trim(), 'Verified OK');
  });

  it('removes its token folder when interrupted', async () => {
    const folder = dirname(env.SOFTHSM2_CONF!);
    await sim!.stop();
    assert.equal(sim!.child.exitCode, 0);
    assert.equal(existsSync(folder), false, `${folder} is left behind`);
  });
});
