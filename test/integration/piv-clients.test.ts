import assert from 'node:assert/strict';
import { X509Certificate, createPublicKey } from 'node:crypto';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { encodeTlv, parseTlv } from '../../core/apdu/tlv.js';
import { packageRoot } from '../../core/paths.js';
import { startSim, type RunningSim } from '../support/cli.js';

/**
 * Unmodified card middleware and tools against `cardspec sim --card piv`, configured only
 * by its export lines: OpenSC (opensc-tool, pkcs15-tool, pkcs11-tool, piv-tool and
 * opensc-pkcs11.so), yubico-piv-tool, PyKCS11 and openssl. The tests run in order on one
 * card, as a person would use one: later tests see what earlier ones did to it.
 */
const execFileAsync = promisify(execFile);
const PYTHON = '/usr/bin/python3';
const PROFILE_DIR = join(packageRoot(), 'simulator/profiles/piv');
const MGMT_KEY = '010203040506070801020304050607080102030405060708';
const MESSAGE = 'Hello World!\n';

interface Ran {
  stdout: string;
  stderr: string;
  code: number;
}

describe('PIV clients against cardspec sim --card piv', () => {
  let sim: RunningSim;
  let env: Record<string, string>;
  let dir: string;
  let module: string;
  let reader: string;

  /** Runs a tool; a failing exit is returned, not thrown, so that tests can look at it. */
  async function run(file: string, args: string[], extraEnv: Record<string, string> = {}): Promise<Ran> {
    try {
      const { stdout, stderr } = await execFileAsync(file, args, { env: { ...env, ...extraEnv }, maxBuffer: 16 * 1024 * 1024 });
      return { stdout, stderr, code: 0 };
    } catch (err) {
      const e = err as { stdout?: string; stderr?: string; code?: number };
      return { stdout: e.stdout ?? '', stderr: e.stderr ?? '', code: typeof e.code === 'number' ? e.code : -1 };
    }
  }

  /** Runs a tool that must succeed. */
  async function ok(file: string, args: string[], extraEnv: Record<string, string> = {}): Promise<Ran> {
    const r = await run(file, args, extraEnv);
    assert.equal(r.code, 0, `${file} ${args.join(' ')} failed (${r.code}):\n${r.stdout}\n${r.stderr}`);
    return r;
  }

  /** openssl dgst -verify of MESSAGE's signature with the public key of a certificate (PEM). */
  async function verifiedByOpenssl(certPem: string, signature: string, digest = '-sha256'): Promise<void> {
    const pub = join(dir, 'verify-pub.pem');
    writeFileSync(pub, new X509Certificate(readFileSync(certPem)).publicKey.export({ type: 'spki', format: 'pem' }));
    const r = await ok('openssl', ['dgst', digest, '-verify', pub, '-signature', signature, join(dir, 'msg.txt')]);
    assert.equal(r.stdout.trim(), 'Verified OK');
  }

  /** pkcs11-tool signs MESSAGE with the key of `id`; returns the signature file (openssl's format for ECDSA). */
  async function p11Sign(id: string, mechanism: string): Promise<string> {
    const out = join(dir, `sig-${id}-${mechanism}.bin`);
    const format = mechanism.startsWith('ECDSA') ? ['--signature-format', 'openssl'] : [];
    await ok('pkcs11-tool', ['--module', module, '--login', '--pin', '123456', '--sign', '-m', mechanism, '--id', id, ...format, '-i', join(dir, 'msg.txt'), '-o', out]);
    return out;
  }

  /** The answers of raw APDUs sent with opensc-tool (each as "data SW" hex), after selecting the PIV application. */
  async function apdus(...commands: string[]): Promise<string[]> {
    const args = ['--reader', '0', '--send-apdu', '00A4040005A000000308'];
    for (const c of commands) args.push('--send-apdu', c);
    const r = await ok('opensc-tool', args);
    return [...r.stdout.matchAll(/Received \(SW1=0x(..), SW2=0x(..)(?:, (\d+) bytes)?\)/g)].map((m) => `${m[1]}${m[2]}`.toUpperCase());
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cardspec-piv-clients-'));
    writeFileSync(join(dir, 'msg.txt'), MESSAGE);
    sim = await startSim(['--card', 'piv']);
    env = sim.env;
    module = env.PKCS11_MODULE!;
    reader = env.CARDSPEC_READER_0!;
  });

  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    // `sim` is unset when before() failed to start it.
    await sim?.stop();
  });

  it('prints the reader and OpenSC\'s PKCS#11 module', () => {
    assert.equal(reader, 'Virtual PCD 00 00');
    assert.match(module, /\/opensc-pkcs11\.so$/);
    assert.equal(env.CARDSPEC_PKCS11_MODULE_0, module);
  });

  it('opensc-tool names a PIV card; pkcs15-tool lists its certificates and keys', async () => {
    assert.match((await ok('opensc-tool', ['-n'])).stdout, /Personal Identity Verification Card/);
    const dump = (await ok('pkcs15-tool', ['--dump'])).stdout;
    assert.match(dump, /X\.509 Certificate \[Certificate for PIV Authentication\]/);
    assert.match(dump, /X\.509 Certificate \[Certificate for Digital Signature\]/);
    assert.match(dump, /Private RSA Key \[PIV AUTH key\][\s\S]*?ModLength\s*: 2048[\s\S]*?Key ref\s*: 154 \(0x9A\)/);
    assert.match(dump, /Private EC Key \[SIGN key\][\s\S]*?FieldLength\s*: 256[\s\S]*?Key ref\s*: 156 \(0x9C\)/);
    assert.match(dump, /PIN \[PIN\][\s\S]*?Reference\s*: 128 \(0x80\)/);
  });

  it('pkcs11-tool signs with SHA256-RSA-PKCS (9A) and ECDSA-SHA256 (9C); openssl verifies with the certificates\' keys', async () => {
    await verifiedByOpenssl(join(PROFILE_DIR, '9a-cert.pem'), await p11Sign('01', 'SHA256-RSA-PKCS'));
    await verifiedByOpenssl(join(PROFILE_DIR, '9c-cert.pem'), await p11Sign('02', 'ECDSA-SHA256'));
  });

  it('PyKCS11 signs "Hello World!\\n" with CKM_SHA256_RSA_PKCS; pkcs11-tool exports the public key; openssl verifies', async () => {
    const script = [
      'import os, sys, PyKCS11',
      'lib = PyKCS11.PyKCS11Lib(); lib.load(os.environ["PKCS11_MODULE"])',
      'slot = lib.getSlotList(tokenPresent=True)[0]',
      'session = lib.openSession(slot); session.login("123456")',
      'key = session.findObjects([(PyKCS11.CKA_CLASS, PyKCS11.CKO_PRIVATE_KEY), (PyKCS11.CKA_ID, (1,))])[0]',
      'signature = bytes(session.sign(key, b"Hello World!\\n", PyKCS11.Mechanism(PyKCS11.CKM_SHA256_RSA_PKCS)))',
      'open(sys.argv[1], "wb").write(signature)',
      'session.logout(); session.closeSession()',
    ].join('\n');
    await ok(PYTHON, ['-c', script, join(dir, 'py.sig')]);
    await ok('pkcs11-tool', ['--module', module, '--read-object', '--type', 'pubkey', '--id', '01', '-o', join(dir, 'pub.der')]);
    await ok('openssl', ['pkey', '-pubin', '-inform', 'DER', '-in', join(dir, 'pub.der'), '-out', join(dir, 'pub.pem')]);
    const verified = await ok('openssl', ['dgst', '-sha256', '-verify', join(dir, 'pub.pem'), '-signature', join(dir, 'py.sig'), join(dir, 'msg.txt')]);
    assert.equal(verified.stdout.trim(), 'Verified OK');
  });

  it('the other way: openssl signs with the test key of 9A, the token verifies (and rejects a changed message)', async () => {
    const sig = join(dir, 'openssl.sig');
    await ok('openssl', ['dgst', '-sha256', '-sign', join(PROFILE_DIR, '9a-key.pem'), '-out', sig, join(dir, 'msg.txt')]);
    const good = await ok('pkcs11-tool', ['--module', module, '--verify', '-m', 'SHA256-RSA-PKCS', '--id', '01', '-i', join(dir, 'msg.txt'), '--signature-file', sig]);
    assert.match(good.stdout, /Signature is valid/);
    writeFileSync(join(dir, 'other.txt'), 'Hello World?\n');
    const bad = await run('pkcs11-tool', ['--module', module, '--verify', '-m', 'SHA256-RSA-PKCS', '--id', '01', '-i', join(dir, 'other.txt'), '--signature-file', sig]);
    assert.match(bad.stdout + bad.stderr, /Invalid signature|CKR_SIGNATURE_INVALID/);
  });

  it('pkcs11-tool --test --login passes', async () => {
    const r = await ok('pkcs11-tool', ['--module', module, '--test', '--login', '--pin', '123456']);
    assert.match(r.stdout + r.stderr, /No errors/);
  });

  it('three wrong PINs: CKR_PIN_INCORRECT twice, then CKR_PIN_LOCKED; the PUK unblocks through C_SetPIN', async () => {
    const results: string[] = [];
    for (const pin of ['111111', '222222', '333333', '123456']) {
      const r = await run('pkcs11-tool', ['--module', module, '--login', '--pin', pin, '--list-objects', '--type', 'privkey']);
      results.push(/CKR_\w+/.exec(r.stderr + r.stdout)?.[0] ?? (r.code === 0 ? 'OK' : `exit ${r.code}`));
    }
    assert.deepEqual(results, ['CKR_PIN_INCORRECT', 'CKR_PIN_INCORRECT', 'CKR_PIN_LOCKED', 'CKR_PIN_LOCKED']);
    // OpenSC maps C_SetPIN outside a login to "unblock with the PUK" when configured so.
    const conf = join(dir, 'opensc.conf');
    writeFileSync(conf, 'app default { }\napp opensc-pkcs11 { pkcs11 { user_pin_unblock_style = set_pin_in_unlogged_session; } }\n');
    await ok('pkcs11-tool', ['--module', module, '--unlock-pin', '--puk', '12345678', '--new-pin', '123456'], { OPENSC_CONF: conf });
    await ok('pkcs11-tool', ['--module', module, '--login', '--pin', '123456', '--list-objects', '--type', 'privkey']);
    const meta = await ok('opensc-tool', ['--reader', '0', '--send-apdu', '00A4040005A000000308', '--send-apdu', '00F7008000']);
    assert.match(meta.stdout.replace(/\s+/g, ' '), /06 02 03 03/, 'the PIN has all 3 of its 3 tries again');
  });

  it('piv-tool authenticates with the default management key and generates a key on the card', async () => {
    const keyFile = join(dir, 'admin.key');
    writeFileSync(keyFile, MGMT_KEY);
    const r = await run('piv-tool', ['--reader', reader, '-A', 'M:9B:03', '-G', '9D:11', '-o', join(dir, '9d.pub')], { PIV_EXT_AUTH_KEY: keyFile });
    assert.doesNotMatch(r.stderr, /admin_mode failed|gen_key failed/, r.stderr);
    // OpenSC 0.23's piv-tool cannot write the public key with OpenSSL 3 (fixed in 0.26):
    // the card's own record of the key says what happened.
    const answers = await apdus('00F7009D00');
    assert.equal(answers[1], '9000');
    const meta = await ok('opensc-tool', ['--reader', '0', '--send-apdu', '00A4040005A000000308', '--send-apdu', '00F7009D00']);
    assert.match(meta.stdout.replace(/\s+/g, ' '), /01 01 11 02 02 02 01 03 01 01 04 43 86 41 04/, 'an EC P-256 key generated on the card');
  });

  it('yubico-piv-tool: status and verify-pin as with a YubiKey', async () => {
    // The PIN verified by earlier clients stays verified (the card is not reset between
    // them); VERIFY P1 FF logs it out so that status counts the tries.
    assert.deepEqual(await apdus('0020FF80'), ['9000', '9000']);
    const status = (await ok('yubico-piv-tool', ['-r', reader, '-a', 'status'])).stdout;
    assert.match(status, /Version:\s+5\.4\.3/);
    assert.match(status, /Serial Number:\s+12345678/);
    assert.match(status, /Slot 9a:\s+Algorithm:\s+RSA2048\s+Subject DN:\s+CN=cardspec PIV test key 9A/);
    assert.match(status, /Slot 9c:\s+Algorithm:\s+ECCP256/);
    assert.match(status, /PIN tries left:\s+3/);
    await ok('yubico-piv-tool', ['-r', reader, '-a', 'verify-pin', '-P', '123456']);
    const wrong = await run('yubico-piv-tool', ['-r', reader, '-a', 'verify-pin', '-P', '999999']);
    assert.match(wrong.stderr, /2 tries left/);
    await ok('yubico-piv-tool', ['-r', reader, '-a', 'verify-pin', '-P', '123456']);
  });

  /**
   * yubico-piv-tool -a selfsign; where Debian's 2.2.0 cannot sign with OpenSSL 3 (Yubico
   * issue 388: "Failed signing certificate" before any APDU), the same certificate is
   * made with the card through the tool's own --sign: openssl makes the to-be-signed
   * part for the card's public key, the card signs it, the parts are put together.
   */
  async function selfsign(slot: string, algorithm: 'RSA2048' | 'ECCP256', pub: string, cert: string): Promise<void> {
    const subject = `/CN=cardspec ${slot} ${algorithm}/`;
    const r = await run('yubico-piv-tool', ['-r', reader, '-s', slot, '-S', subject, '-P', '123456', '-a', 'verify-pin', '-a', 'selfsign', '-i', pub, '-o', cert]);
    if (r.code === 0) return;
    assert.match(r.stderr, /^Failed signing certificate\.$/m, `selfsign failed otherwise:\n${r.stderr}`);
    const scratch = join(dir, `scratch-${slot}.pem`);
    await ok('openssl', ['genpkey', '-algorithm', algorithm === 'RSA2048' ? 'RSA' : 'EC', '-pkeyopt', algorithm === 'RSA2048' ? 'rsa_keygen_bits:2048' : 'ec_paramgen_curve:P-256', '-out', scratch]);
    await ok('openssl', ['req', '-new', '-key', scratch, '-subj', subject.slice(0, -1), '-out', join(dir, 'req.csr')]);
    const draft = join(dir, 'draft.der');
    await ok('openssl', ['x509', '-req', '-in', join(dir, 'req.csr'), '-signkey', scratch, '-force_pubkey', pub, '-days', '365', '-sha256', '-outform', 'DER', '-out', draft]);
    const parts = parseTlv(readFileSync(draft))[0]!.children!;
    const der = readFileSync(draft);
    const tbs = der.subarray(parts[0]!.offset, parts[1]!.offset);
    const algorithmId = der.subarray(parts[1]!.offset, parts[2]!.offset);
    writeFileSync(join(dir, 'tbs.der'), tbs);
    const sig = join(dir, 'tbs.sig');
    await ok('yubico-piv-tool', ['-r', reader, '-s', slot, '-A', algorithm, '-H', 'SHA256', '-P', '123456', '-a', 'verify-pin', '--sign', '-i', join(dir, 'tbs.der'), '-o', sig]);
    const signed = encodeTlv(0x30, [tbs, algorithmId, encodeTlv(0x03, [Buffer.from([0]), readFileSync(sig)])]);
    writeFileSync(cert, new X509Certificate(signed).toString());
  }

  for (const round of [
    [['9a', 'RSA2048'], ['9e', 'ECCP256']],
    [['9a', 'ECCP256'], ['9e', 'RSA2048']],
  ] as const) {
    it(`yubico-piv-tool generate, selfsign, import-certificate (${round.map((s) => s.join(' ')).join(', ')}); OpenSC lists and uses the new keys`, async () => {
      for (const [slot, algorithm] of round) {
        const pub = join(dir, `${slot}.pub`);
        const cert = join(dir, `${slot}.crt`);
        await ok('yubico-piv-tool', ['-r', reader, `--key=${MGMT_KEY}`, '-s', slot, '-A', algorithm, '-a', 'generate', '-o', pub]);
        await selfsign(slot, algorithm, pub, cert);
        const x509 = new X509Certificate(readFileSync(cert));
        assert.ok(x509.verify(createPublicKey(readFileSync(pub))), `the ${slot} certificate is signed by the card's new key`);
        await ok('yubico-piv-tool', ['-r', reader, `--key=${MGMT_KEY}`, '-s', slot, '-a', 'import-certificate', '-i', cert]);
      }
      const keys = (await ok('pkcs15-tool', ['--list-keys', '--short'])).stdout;
      for (const [slot, algorithm] of round) {
        const kind = algorithm === 'RSA2048' ? 'RSA\\[2048\\]' : 'EC \\[256\\]';
        assert.match(keys, new RegExp(`${kind}\\s+ID:0${slot === '9a' ? 1 : 4}\\s+Ref:0x${slot.toUpperCase()}`), keys);
        const id = slot === '9a' ? '01' : '04';
        await verifiedByOpenssl(join(dir, `${slot}.crt`), await p11Sign(id, algorithm === 'RSA2048' ? 'SHA256-RSA-PKCS' : 'ECDSA-SHA256'));
      }
    });
  }

  it('stops cleanly when interrupted', async () => {
    await sim.stop();
    assert.equal(sim.child.exitCode, 0);
  });
});
