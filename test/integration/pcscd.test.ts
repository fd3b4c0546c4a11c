/**
 * The run's pcscd (src/targets/pcscd.ts) against the real one: a run that found no pcscd
 * starts one and leaves none, also after one of its workers restarted it (a worker takes
 * the run's pcscd for the system's, so its restart starts a daemon outside the run); and
 * a restarted pcscd has its vpcd readers. Needs root, as restarting pcscd does.
 */
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { socketAnswers } from '../../core/daemons.js';
import { packageRoot } from '../../core/paths.js';
import { vpcdReaderName } from '../../core/vpcd.js';
import { PcscContext } from '../../src/pcsc/client.js';
import { ensurePcscd, pcscdPid, pcscdSocketPath } from '../../src/targets/pcscd.js';
import { processEnded } from '../../core/proc.js';

const running = (pid: number): boolean => !processEnded(pid);

/** The pid in pcscd's pid file: there must be one. */
function pid(): number {
  const found = pcscdPid();
  assert.ok(found !== undefined, 'pcscd has a pid file');
  return found;
}

async function stopAnyPcscd(): Promise<void> {
  if (!(await socketAnswers(pcscdSocketPath()))) return;
  const daemon = pid();
  process.kill(daemon, 'SIGTERM');
  for (let i = 0; i < 500 && running(daemon); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.equal(running(daemon), false, `pcscd ${daemon} did not stop`);
}

/** What a worker does: ensurePcscd finds the run's pcscd running, and restarts it as the system's. */
async function restartFromAnotherProcess(): Promise<void> {
  const module = join(packageRoot(), 'dist', 'src', 'targets', 'pcscd.js');
  const script = `const m = await import(${JSON.stringify(module)}); const p = await m.ensurePcscd(); if (p.startedHere) process.exit(3); await p.restart();`;
  await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { timeout: 30_000 });
}

function vpcdReaders(): string[] {
  const pcsc = PcscContext.open();
  try {
    return pcsc.listReaders().map((r) => r.name).filter((name) => name.startsWith('Virtual PCD'));
  } finally {
    pcsc.close();
  }
}

describe('the run\'s pcscd', { skip: process.getuid?.() !== 0 ? 'needs root (pcscd is started and stopped)' : false }, () => {
  let hadOne = false;

  before(async () => {
    hadOne = await socketAnswers(pcscdSocketPath());
    await stopAnyPcscd();
  });

  after(async () => {
    // As it was found: the system's pcscd (with its poll library) when one ran.
    if (hadOne && !(await socketAnswers(pcscdSocketPath()))) execFileSync(join(packageRoot(), 'scripts', 'start-pcscd.sh'), { stdio: 'ignore' });
  });

  it('leaves none when it found none, also after a worker restarted it twice; each restart has the vpcd readers', async () => {
    const managed = await ensurePcscd();
    assert.equal(managed.startedHere, true);
    for (let restart = 1; restart <= 2; restart++) {
      const before = pid();
      await restartFromAnotherProcess();
      const now = pid();
      assert.notEqual(now, before, `restart ${restart}: a new pcscd`);
      assert.equal(running(before), false, `restart ${restart}: the old pcscd ended`);
      assert.deepEqual(vpcdReaders().slice(0, 2), [vpcdReaderName(0), vpcdReaderName(1)], `restart ${restart}: the new pcscd has its vpcd readers`);
    }
    const last = pid();
    await managed.stop();
    assert.equal(await socketAnswers(pcscdSocketPath()), false, 'no pcscd answers after the run');
    assert.equal(running(last), false, 'the pcscd a worker started is gone');
  });
});
