import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { OWNER_FILE, currentOwner, makeOwnedTempDir, ownerAlive, processStartTime, removeStaleTempDirs } from '../../core/owned-dirs.js';

describe('owned temporary folders', () => {
  const parent = mkdtempSync(join(tmpdir(), 'owned-dirs-test-'));
  after(() => rmSync(parent, { recursive: true, force: true }));

  /** The pid of a process that has ended. */
  const deadPid = (): number => spawnSync(process.execPath, ['-e', '']).pid!;

  const folder = (name: string, owner?: object): string => {
    const dir = join(parent, name);
    mkdirSync(dir);
    if (owner) writeFileSync(join(dir, OWNER_FILE), JSON.stringify(owner));
    return dir;
  };

  it('knows this process and its start time', () => {
    const me = currentOwner();
    assert.equal(me.pid, process.pid);
    assert.equal(typeof processStartTime(process.pid), 'number');
    assert.ok(ownerAlive(me));
  });

  it('a reused process id with another start time is not the owner', () => {
    assert.equal(ownerAlive({ ...currentOwner(), startTime: processStartTime(process.pid)! - 1 }), false);
  });

  it('removes only the folders of ours whose owner is dead', () => {
    const me = currentOwner();
    const dead = folder('cardspec-container-dead', { pid: deadPid(), startTime: 12345, host: hostname() });
    const alive = folder('cardspec-softhsm-alive', me);
    const noRecord = folder('cardspec-softhsm-norecord');
    const otherHost = folder('cardspec-openssl-otherhost', { pid: deadPid(), startTime: 1, host: `not-${hostname()}` });
    const notOurs = folder('something-else', { pid: deadPid(), startTime: 1, host: hostname() });
    assert.deepEqual(removeStaleTempDirs(parent), [dead]);
    assert.equal(existsSync(dead), false);
    for (const dir of [alive, noRecord, otherHost, notOurs]) assert.ok(existsSync(dir), dir);
  });

  it('makes folders with the owner record', async () => {
    const dir = await makeOwnedTempDir('test');
    try {
      assert.match(dir, /cardspec-test-/);
      assert.ok(existsSync(join(dir, OWNER_FILE)));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
