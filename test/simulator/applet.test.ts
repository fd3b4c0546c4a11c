import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { CommandApdu } from '../../core/apdu/apdu.js';
import { packageRoot } from '../../core/paths.js';
import { type Applet, registerAppletType, registerExtensionType } from '../../simulator/card/applet.js';
import { type CardContext, ok } from '../../simulator/card/context.js';
import { SW, fail } from '../../simulator/card/sw.js';
import { VirtualCard } from '../../simulator/card/virtual-card.js';
import { loadProfile } from '../../core/profile/load.js';
import { bytes } from '../../core/profile/values.js';
import { ascii, send, sw } from './helpers.js';

/**
 * The card OS's applet routing with a small echo applet: INS 01 answers the command's
 * data with CLA and length, INS 02 the number of resets; every other INS is left to the
 * ISO commands.
 */
class EchoApplet implements Applet {
  readonly name = 'echo';
  readonly chaining = true;
  readonly proprietaryClass = true;
  resets = 0;
  constructor(readonly aid: Buffer) {}
  select(cmd: CommandApdu): ReturnType<Applet['select']> {
    if (cmd.p2 !== 0x00) fail(SW.WRONG_P1_P2);
    return ok(Buffer.from('echo', 'latin1'));
  }
  process(cmd: CommandApdu, _ctx: CardContext): ReturnType<Applet['process']> {
    if (cmd.ins === 0x01) return ok(Buffer.concat([Buffer.from([cmd.cla, cmd.data.length >> 8, cmd.data.length & 0xff]), cmd.data]));
    if (cmd.ins === 0x02) return ok(Buffer.from([this.resets]));
    return undefined;
  }
  reset(): void {
    this.resets += 1;
  }
}

registerAppletType({
  type: 'test-echo',
  prepare(entry) {
    const f = entry.fields(['type', 'aid'], 'an echo applet');
    const aid = bytes(f.get('aid') ?? entry.fail('an aid'));
    return () => new EchoApplet(aid);
  },
});
registerExtensionType({
  type: 'test-extension',
  prepare() {
    return [{ ins: 0xe0, name: 'TEST', proprietaryClass: true, handler: (cmd) => ok(Buffer.from([cmd.cla])) }];
  },
});

const profile = loadProfile(join(packageRoot(), 'test/fixtures/applet-demo.yaml'));
function card(): VirtualCard {
  const c = new VirtualCard(profile);
  c.powerOn();
  return c;
}
const AID = 'A0 00 00 09 99 01 02 03';

describe('applets', () => {
  it('SELECT by the full AID or a right-truncated form of at least 5 bytes selects the applet', () => {
    for (const name of [AID, 'A0 00 00 09 99', 'A0 00 00 09 99 01']) {
      const c = card();
      assert.deepEqual(send(c, `00 A4 04 00 ${(name.split(' ').length).toString(16).padStart(2, '0')} ${name} 00`), { data: ascii('echo'), sw: '9000' }, name);
      assert.equal(send(c, '00 01 00 00 02 AB CD 00').data, '00 00 02 AB CD');
    }
    const c = card();
    assert.equal(sw(c, '00 A4 04 00 04 A0 00 00 09 00'), '6A82', 'fewer than 5 bytes name no applet');
    assert.equal(sw(c, '00 A4 04 00 09 A0 00 00 09 99 01 02 03 04 00'), '6A82', 'longer than the AID');
    assert.equal(sw(c, '00 01 00 00'), '6D00', 'nothing selected: the demo card');
  });

  it('a failed applet SELECT selects nothing; a file SELECT leaves the applet', () => {
    const c = card();
    assert.equal(sw(c, `00 A4 04 0C 08 ${AID}`), '6A86');
    assert.equal(sw(c, '00 02 00 00 00'), '6D00');
    assert.equal(sw(c, `00 A4 04 00 08 ${AID} 00`), '9000');
    assert.equal(sw(c, '00 02 00 00 00'), '9000');
    assert.equal(sw(c, '00 A4 00 0C 02 00 01'), '9000', 'ISO SELECT while the applet is selected');
    assert.equal(sw(c, '00 02 00 00 00'), '6D00');
  });

  it('commands the applet leaves go to the ISO commands, GET RESPONSE included', () => {
    const c = card();
    send(c, `00 A4 04 00 08 ${AID} 00`);
    const long = 'AA '.repeat(300).trim();
    const first = send(c, `00 01 00 00 00 01 2C ${long} 00 00`);
    assert.equal(first.sw, '9000', 'extended Le gets it all');
    const short = send(c, '00 01 00 00 05 01 02 03 04 05 02');
    assert.deepEqual(short, { data: '00 00', sw: '6106' });
    assert.deepEqual(send(c, '00 C0 00 00 06'), { data: '05 01 02 03 04 05', sw: '9000' });
    assert.equal(sw(c, '00 B0 00 00 01'), '6986', 'READ BINARY still the ISO one');
  });

  it('reassembles command chaining for the applet; the demo card still refuses it', () => {
    const c = card();
    assert.equal(sw(c, '10 01 00 00 01 AA'), '6884');
    send(c, `00 A4 04 00 08 ${AID} 00`);
    assert.deepEqual(send(c, '10 01 00 00 02 01 02'), { data: '', sw: '9000' });
    assert.deepEqual(send(c, '10 01 00 00 01 03'), { data: '', sw: '9000' });
    assert.deepEqual(send(c, '00 01 00 00 01 04 00'), { data: '00 00 04 01 02 03 04', sw: '9000' });
    // A command that does not continue the chain abandons it.
    send(c, '10 01 00 00 01 01');
    assert.equal(send(c, '00 01 00 01 01 09 00').data, '00 00 01 09');
    assert.equal(send(c, '00 01 00 00 01 09 00').data, '00 00 01 09');
  });

  it('proprietary classes reach an applet that takes them, and an extension INS that does', () => {
    const c = card();
    assert.equal(sw(c, '80 01 00 00 00'), '6E00');
    assert.deepEqual(send(c, '80 E0 00 00 00'), { data: '80', sw: '9000' }, 'extension INS with a proprietary class');
    assert.deepEqual(send(c, '00 E0 00 00 00'), { data: '00', sw: '9000' });
    send(c, `00 A4 04 00 08 ${AID} 00`);
    assert.equal(send(c, '84 01 00 00 01 55 00').data, '84 00 01 55');
    assert.equal(sw(c, 'FF 01 00 00 00'), '6E00');
    assert.equal(sw(c, '01 01 00 00 00'), '6881', 'logical channels stay refused');
  });

  it('a reset or power cycle deselects the applet and calls its reset; the applet keeps its state', () => {
    const c = card();
    send(c, `00 A4 04 00 08 ${AID} 00`);
    const before = send(c, '00 02 00 00 00').data;
    c.reset();
    assert.equal(sw(c, '00 02 00 00 00'), '6D00');
    send(c, `00 A4 04 00 08 ${AID} 00`);
    assert.equal(parseInt(send(c, '00 02 00 00 00').data, 16), parseInt(before, 16) + 1);
  });

  it('the demo card without applets behaves as before', () => {
    const demo = new VirtualCard(loadProfile('iso7816-demo'));
    demo.powerOn();
    assert.equal(sw(demo, '00 A4 04 00 05 A0 00 00 09 99'), '6A82');
    assert.equal(sw(demo, '80 E0 00 00 00'), '6E00');
  });

  it('an unknown applet type is a profile error with the line', () => {
    const broken = join(packageRoot(), 'test/fixtures/applet-unknown.yaml');
    assert.throws(() => new VirtualCard(loadProfile(broken)), /applet-unknown\.yaml, line 5, applets\[0\]\.type: expected an applet type \(.*test-echo.*\), got "nope"/);
  });
});
