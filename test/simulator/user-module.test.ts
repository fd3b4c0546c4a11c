import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { VirtualCard } from '../../simulator/card/virtual-card.js';
import { loadProfile } from '../../core/profile/load.js';
import { installUserModule } from '../../simulator/card/user-module.js';
import { userModuleCode } from '../../src/targets/user-module.js';
import { packageRoot } from '../../core/paths.js';
import { send, sw } from './helpers.js';

/**
 * Card modules of a user's project, bundled from TypeScript and installed into a profile:
 * a command, an applet with its own state per card, a status word thrown with fail(), an
 * exception that answers 6F00 and names the module's line, and modules that are wrong.
 * 'cardspec/card' resolves to this checkout (a link in the temporary project).
 */
const MODULE = `import { defineCardModule, fail, ok, SW, type Applet } from 'cardspec/card';
import { counterStart } from './helper';

class Counter implements Applet {
  readonly name = 'counter';
  readonly aid = Buffer.from('F000000001', 'hex');
  private count = counterStart;
  select() { return ok(); }
  process(cmd: { ins: number }) {
    if (cmd.ins !== 0x10) return undefined;
    return ok(Buffer.from([++this.count]));
  }
}

export default defineCardModule({
  commands: [
    { ins: 0xca, name: 'GET SERIAL', proprietaryClass: true, handler: (cmd, card) => {
      if (cmd.p1 === 0x01) fail(SW.WRONG_P1_P2);
      if (cmd.p1 === 0x02) throw new TypeError('a bug');
      return ok(Buffer.from('SN' + card.session.verified.size, 'latin1'));
    } },
  ],
  applets: [() => new Counter()],
});
`;

describe('card modules', () => {
  let dir: string;
  const errors: string[] = [];
  const consoleError = console.error;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'cardspec-module-test-'));
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(packageRoot(), join(dir, 'node_modules', 'cardspec'));
    writeFileSync(join(dir, 'helper.ts'), 'export const counterStart: number = 40;\n');
    console.error = (...args: unknown[]) => void errors.push(args.join(' '));
  });

  after(() => {
    console.error = consoleError;
    rmSync(dir, { recursive: true, force: true });
  });

  async function cardOf(name: string, moduleText: string): Promise<VirtualCard> {
    writeFileSync(join(dir, `${name}.ts`), moduleText);
    writeFileSync(join(dir, `${name}.yaml`), `extends: iso7816-demo\nname: ${name}\nmodule: ./${name}.ts\n`);
    const profile = loadProfile(join(dir, `${name}.yaml`));
    await prepareUserModule(profile);
    const card = new VirtualCard(profile);
    card.powerOn();
    made.set(card, profile);
    return card;
  }
  const made = new Map<VirtualCard, ReturnType<typeof loadProfile>>();

  /** Bundles the profile's module as the host does and installs it as the card's thread does. */
  async function prepareUserModule(profile: ReturnType<typeof loadProfile>): Promise<void> {
    const code = await userModuleCode(profile);
    if (code !== undefined) await installUserModule(profile, code);
  }

  it('adds commands and applets, keeps the demo card, and answers thrown status words', async () => {
    const card = await cardOf('lab', MODULE);
    assert.deepEqual(send(card, '80 CA 00 00 00'), { data: '53 4E 30', sw: '9000' });
    assert.equal(sw(card, '00 CA 01 00 00'), '6A86');
    assert.equal(sw(card, '00 A4 00 0C 02 00 01'), '9000');
    assert.equal(sw(card, '00 A4 04 00 05 F0 00 00 00 01'), '9000');
    assert.deepEqual(send(card, '00 10 00 00 00'), { data: '29', sw: '9000' });
    assert.deepEqual(send(card, '00 10 00 00 00'), { data: '2A', sw: '9000' });
    // Another card of the profile has its own applet; installing again changes nothing.
    const profile = made.get(card)!;
    await prepareUserModule(profile);
    const other = new VirtualCard(profile);
    other.powerOn();
    assert.equal(sw(other, '00 A4 04 00 05 F0 00 00 00 01'), '9000');
    assert.deepEqual(send(other, '00 10 00 00 00'), { data: '29', sw: '9000' });
  });

  it('answers 6F00 for an exception and prints the module file and line', async () => {
    const card = await cardOf('lab2', MODULE.replace("'SN'", "'S2'"));
    errors.length = 0;
    assert.equal(sw(card, '80 CA 02 00 00'), '6F00');
    assert.equal(sw(card, '80 CA 00 00 00'), '9000', 'the card goes on');
    assert.equal(errors.length, 1);
    assert.match(errors[0]!, /card module error in GET SERIAL \(INS CA\), answered 6F00: a bug \(at .*lab2\.ts:19:\d+\)/);
  });

  it('makes a module that does not compile or exports no commands a profile error at module:', async () => {
    await assert.rejects(cardOf('broken', 'export default { commands: [ };\n'), /bad card profile .*broken\.yaml.*line 3.*module: expected a card module that compiles, got .*broken\.ts:1:/);
    await assert.rejects(cardOf('empty', 'export default { other: 1 };\n'), /module: expected a card module that loads, got the module exports no commands and no applets/);
    await assert.rejects(cardOf('badins', "export default { commands: [{ ins: 300, name: 'X', handler: () => ({ sw: 0x9000 }) }] };\n"), /commands\[0\]\.ins must be a byte/);
    await assert.rejects(cardOf('taken', "export default { commands: [{ ins: 0xb0, name: 'MY READ', handler: () => ({ sw: 0x9000 }) }] };\n"), /INS B0 \(MY READ\) again/);
  });
});
