/**
 * The simulator image on a Debian suite, against this host (`npm run test:images`; not
 * part of `npm test`: a cold build of each image takes minutes, debootstrap of a base
 * more). One file per suite, so each runs in its own process: caml-crush's client module
 * keeps the first proxy socket it reached for the life of the process. On each suite: the image builds, the container becomes ready (pcscd of that
 * suite, caml-crush's proxy), a token signs through the proxy from the host; then the
 * container target either serves the host's libpcsclite end to end (APDUs) or refuses the
 * image in one clear message before any PC/SC call, as the protocols say.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ControlClient } from '../../core/control/client.js';
import { SimulatorContainer } from '../../src/targets/simulator-container.js';
import { PKCS11_PROXY_MODULE_ALIAS } from '../../core/control/protocol.js';
import { parseKeyType } from '../../src/crypto/key-types.js';
import type { Pkcs11Call } from '../../src/pkcs11/calls.js';
import { ensureKeyPair } from '../../src/pkcs11/key-pairs.js';
import { buildMechanism, describeMechanism } from '../../src/pkcs11/mechanisms.js';
import { closePkcs11Modules, openPkcs11Module } from '../../src/pkcs11/module.js';
import { Pkcs11Session } from '../../src/pkcs11/session.js';
import { findToken } from '../../src/pkcs11/token.js';
import { CONTAINER_LABELS, ContainerTarget } from '../../src/targets/container.js';
import { hostPcscClient, pkcs11ProxyClientModule } from '../../src/targets/container-host.js';
import { ensureSimulatorImage } from '../../src/targets/container-image.js';
import { parsePcscLiteVersion, speechOf, understands } from '../../src/targets/pcsc-protocol.js';
import { ApduTrace } from '../../src/trace/trace.js';

process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
const COLD_BUILD_TIMEOUT_MS = 30 * 60_000;

const ourContainers = (): string[] =>
  execFileSync('docker', ['ps', '--all', '--filter', `label=${CONTAINER_LABELS.project}=cardspec`, '--format', '{{.Names}}'], { encoding: 'utf8' }).split('\n').filter(Boolean);

const TRIXIE_CLIENT_IMAGE = 'cardspec-pcsc-client:trixie';

/** debian:trixie-slim with pcsc-tools (scriptor): a Debian 13 PC/SC client, built once and kept. */
async function trixieClientImage(): Promise<string> {
  try {
    execFileSync('docker', ['image', 'inspect', TRIXIE_CLIENT_IMAGE], { stdio: 'ignore' });
    return TRIXIE_CLIENT_IMAGE;
  } catch {
    // Not built yet.
  }
  await ensureSimulatorImage({ baseImage: 'debian:trixie-slim' }); // makes sure the base exists (debootstrap when root)
  const dockerfile = 'FROM debian:trixie-slim\nRUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends pcsc-tools && rm -rf /var/lib/apt/lists/*\n';
  execFileSync('docker', ['build', '--network', 'host', '--tag', TRIXIE_CLIENT_IMAGE, '--label', `${CONTAINER_LABELS.project}=cardspec`, '-'], { input: dockerfile, stdio: ['pipe', 'ignore', 'inherit'] });
  return TRIXIE_CLIENT_IMAGE;
}

/** scriptor's output (stdout and stderr) for `apdus`, in a throw-away container of `image` that shares the socket folder. */
function runClient(image: string, socketDir: string, apdus: string): string {
  try {
    return execFileSync('docker', ['run', '--rm', '-i', '--network', 'none', '-v', `${socketDir}:/run/pcscd`, image, 'scriptor', '-r', 'Virtual PCD 00 00'], {
      input: apdus,
      encoding: 'utf8',
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: 60_000,
    });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    return `${stdout ?? ''}${stderr ?? ''}`;
  }
}

export function describeSuite(suite: 'bookworm' | 'trixie'): void {
  describe(`the simulator image on Debian ${suite}`, () => {
    const baseImage = `debian:${suite}-slim`;
    const log: Pkcs11Call[] = [];
    let image = '';
    let pcscLite = '';

    after(() => closePkcs11Modules());

    it('builds, starts, and signs through the PKCS#11 proxy from the host', { timeout: COLD_BUILD_TIMEOUT_MS }, async () => {
      image = (await ensureSimulatorImage({ baseImage })).tag;
      const socketDir = mkdtempSync(join(tmpdir(), 'cardspec-suite-'));
      const started = await new SimulatorContainer(image, socketDir).withLabels({ [CONTAINER_LABELS.project]: 'cardspec' }).start();
      try {
        const control = await ControlClient.connect(started.getControlSocketPath());
        try {
          pcscLite = (await control.request({ op: 'status' })).versions.pcscLite;
          await control.request({ op: 'token', label: 'suite-token', userPin: '1234', soPin: '5678' });
        } finally {
          control.close();
        }
        const access = {
          modulePath: await pkcs11ProxyClientModule(image),
          env: { PKCS11PROXY_SOCKET_PATH: started.getPkcs11ProxySocketPath(), PKCS11PROXY_LIBNAME: PKCS11_PROXY_MODULE_ALIAS },
        };
        const session = Pkcs11Session.open(findToken(openPkcs11Module(access, log), 'suite-token', log));
        try {
          session.login('user', '1234');
          const keys = await ensureKeyPair(session, 'ed', parseKeyType('Ed25519'), { tokenObjects: false });
          const mechanism = buildMechanism(describeMechanism('CKM_EDDSA', 'sign'));
          const signature = session.sign(mechanism, keys.privateKey!, Buffer.from('on ' + suite));
          assert.equal(signature.length, 64);
          session.verify(mechanism, keys.publicKey!, Buffer.from('on ' + suite), signature); // throws CKR_SIGNATURE_INVALID otherwise
        } finally {
          session.close();
          closePkcs11Modules();
        }
      } finally {
        await started.stop({ timeout: 0 });
        rmSync(socketDir, { recursive: true, force: true });
      }
      assert.match(pcscLite, suite === 'bookworm' ? /^1\.9\./ : /^2\./);
    });

    it('serves a Debian 13 client (pcsc-tools in a trixie container) exactly when pcsc-lite says it can', { timeout: COLD_BUILD_TIMEOUT_MS }, async () => {
      assert.ok(image, 'the image was built');
      const client = await trixieClientImage();
      const socketDir = mkdtempSync(join(tmpdir(), 'cardspec-suite-'));
      const started = await new SimulatorContainer(image, socketDir).withLabels({ [CONTAINER_LABELS.project]: 'cardspec' }).start();
      try {
        const control = await ControlClient.connect(started.getControlSocketPath());
        try {
          await control.request({ op: 'insert', slot: 0, profile: { name: 'iso7816-demo' } });
        } finally {
          control.close();
        }
        // scriptor of Debian 13 (libpcsclite1 2.3.3) through the same bind-mounted socket folder.
        const output = runClient(client, socketDir, '00 A4 00 0C 02 00 01\n00 B0 00 00 00\n');
        const served = understands(speechOf([2, 3, 3]), speechOf(parsePcscLiteVersion(pcscLite)!));
        if (served) assert.match(output, /48 65 6C 6C 6F 20 57 6F 72 6C 64 21 0A 90 00/, output);
        else assert.match(output, /Service was stopped|SCARD_E_SERVICE_STOPPED|8010001E/i, output);
        assert.equal(served, suite === 'trixie');
      } finally {
        await started.stop({ timeout: 0 });
        rmSync(socketDir, { recursive: true, force: true });
      }
    });

    it("serves this host's libpcsclite, or is refused in one clear message", { timeout: 5 * 60_000 }, async () => {
      assert.ok(image, 'the image was built');
      const host = await hostPcscClient();
      assert.ok(host.speech);
      const expected = understands(host.speech, speechOf(parsePcscLiteVersion(pcscLite)!));
      const before = ourContainers();
      const previous = process.env.CARDSPEC_BASE_IMAGE;
      process.env.CARDSPEC_BASE_IMAGE = baseImage;
      const target = new ContainerTarget();
      try {
        if (expected) {
          await target.start();
          const card = await target.insertCard('iso7816-demo', new ApduTrace());
          const read = await card.transmit(Buffer.from('00A4000C020001', 'hex'));
          assert.equal(read.sw, 0x9000);
        } else {
          await assert.rejects(target.start(), (error: Error & { code?: string }) => {
            assert.equal(error.code, 'CARDSPEC_MISSING_DEPENDENCY');
            assert.match(error.message, new RegExp(`pcsc-lite ${pcscLite.replace(/\./g, '\\.')}, PC/SC protocol 4\\.\\d.*cannot serve the host's libpcsclite`));
            assert.match(error.message, /unset CARDSPEC_BASE_IMAGE so that cardspec picks debian:\w+-slim/);
            return true;
          });
        }
      } finally {
        await target.stop();
        if (previous === undefined) delete process.env.CARDSPEC_BASE_IMAGE;
        else process.env.CARDSPEC_BASE_IMAGE = previous;
      }
      assert.deepEqual(ourContainers(), before, 'nothing left in Docker');
    });
  });
}
