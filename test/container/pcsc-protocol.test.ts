import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { baseImageFor, type HostPcscClient } from '../../src/targets/container-host.js';
import { checkPcscProtocols } from '../../src/targets/container.js';
import { clientSpeech, parsePcscLiteVersion, probeClientProtocol, speechOf, suiteFor, understands } from '../../src/targets/pcsc-protocol.js';

const speech = (version: string) => speechOf(parsePcscLiteVersion(version)!);
const host = (version: string): HostPcscClient => ({ version, speech: speech(version), source: 'package' });

describe('PC/SC protocol versions (winscard_msg.h of each pcsc-lite release)', () => {
  it('reads Debian and Ubuntu package versions', () => {
    assert.deepEqual(parsePcscLiteVersion('1.9.9-2'), [1, 9, 9]);
    assert.deepEqual(parsePcscLiteVersion('2.0.3-1build1'), [2, 0, 3]);
    assert.deepEqual(parsePcscLiteVersion('1:2.3.3-1'), [2, 3, 3]);
    assert.equal(parsePcscLiteVersion('an unknown version'), undefined);
  });

  it('knows which release speaks which protocol', () => {
    assert.deepEqual(speech('1.8.23').protocol, { major: 4, minor: 3 });
    assert.deepEqual(speech('1.8.24').protocol, { major: 4, minor: 4 });
    assert.deepEqual(speech('1.9.9').protocol, { major: 4, minor: 4 });
    assert.deepEqual(speech('2.0.3').protocol, { major: 4, minor: 4 }); // Ubuntu 24.04
    assert.deepEqual(speech('2.2.3').protocol, { major: 4, minor: 4 });
    assert.deepEqual(speech('2.3.3').protocol, { major: 4, minor: 5 }); // Debian 13
    assert.deepEqual(speech('2.4.1').protocol, { major: 4, minor: 5 });
    assert.deepEqual(speech('2.5.0').protocol, { major: 4, minor: 6 });
  });

  it('matches client and daemon as pcsc-lite does', () => {
    assert.equal(understands(speech('1.9.9'), speech('1.9.9')), true);
    assert.equal(understands(speech('2.0.3'), speech('1.9.9')), true, 'Ubuntu 24.04 client, Debian 12 pcscd: both 4.4');
    assert.equal(understands(speech('1.9.9'), speech('2.3.3')), false, 'measured: SCARD_E_SERVICE_STOPPED');
    assert.equal(understands(speech('2.3.3'), speech('1.9.9')), false);
    assert.equal(understands(speech('1.9.9'), speech('2.4.1')), true, '2.4 daemons accept 4.4 clients');
    assert.equal(understands(speech('2.5.0'), speech('1.9.9')), true, '2.5 clients fall back to 4.4');
    assert.equal(understands(speech('2.3.3'), speech('2.5.0')), true);
  });

  it('picks the Debian suite whose pcscd serves the host', () => {
    assert.equal(suiteFor(speech('1.9.9'))?.suite, 'bookworm');
    assert.equal(suiteFor(speech('2.0.3'))?.suite, 'bookworm');
    assert.equal(suiteFor(speech('2.3.3'))?.suite, 'trixie');
    assert.equal(suiteFor(clientSpeech({ major: 4, minor: 5 }))?.suite, 'trixie', 'a 4.5 client may be a strict 2.3');
    assert.equal(suiteFor(clientSpeech({ major: 4, minor: 6 }))?.suite, 'bookworm');
    assert.equal(baseImageFor(host('2.3.3-1'), undefined), 'debian:trixie-slim');
    assert.equal(baseImageFor(host('1.9.9-2'), undefined), 'debian:bookworm-slim');
    assert.equal(baseImageFor(host('2.3.3-1'), 'my/base:1'), 'my/base:1', 'CARDSPEC_BASE_IMAGE wins');
  });

  it('says in one line what to install when no image can serve the host', () => {
    assert.throws(() => baseImageFor(host('1.8.20-1'), undefined), /speaks PC\/SC protocol 4\.3, which no simulator image's pcscd speaks/);
    const odd: HostPcscClient = { version: '9.0', speech: { protocol: { major: 5, minor: 0 }, oldestMinor: 0 }, source: 'probe' };
    assert.throws(() => baseImageFor(odd, undefined), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'CARDSPEC_MISSING_DEPENDENCY');
      assert.match(error.message, /speaks PC\/SC protocol 5\.0.*install libpcsclite1/);
      assert.equal(error.message.includes('\n'), false);
      return true;
    });
  });

  it('refuses a container whose pcscd the host cannot talk to, naming both sides and the fix', () => {
    assert.doesNotThrow(() => checkPcscProtocols(host('1.9.9-2'), '1.9.9', 'img'));
    assert.throws(() => checkPcscProtocols(host('1.9.9-2'), '2.3.3', 'cardspec-simulator:abc'), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'CARDSPEC_MISSING_DEPENDENCY');
      assert.match(error.message, /pcsc-lite 2\.3\.3, PC\/SC protocol 4\.5.*libpcsclite \(1\.9\.9-2, protocol 4\.4\).*picks debian:bookworm-slim/);
      return true;
    });
  });
});

describe("the host's libpcsclite, probed", () => {
  it('tells its protocol version from its first message, with no pcscd involved', async () => {
    const protocol = await probeClientProtocol();
    assert.ok(protocol, 'the PC/SC client connected to the probe socket');
    assert.equal(protocol.major, 4);
    assert.ok(protocol.minor >= 4 && protocol.minor <= 6, `minor ${protocol.minor}`);
  });
});
