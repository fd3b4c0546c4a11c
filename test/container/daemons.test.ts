/**
 * startDaemon with stand-in daemons (small Node programs): how it waits for the socket and
 * how it reports a daemon that cannot start.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { HarnessCodes, HarnessError } from '../../core/errors.js';
import { startDaemon } from '../../core/daemons.js';

const dir = mkdtempSync(join(tmpdir(), 'cardspec-daemons-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A daemon that makes the socket's folder after `delayMs`, then listens on the socket. */
const LATE_LISTENER = `
const { mkdirSync } = require('node:fs');
const { dirname } = require('node:path');
const socketPath = process.argv[1];
setTimeout(() => {
  mkdirSync(dirname(socketPath), { recursive: true });
  require('node:net').createServer((s) => s.end()).listen(socketPath);
}, Number(process.argv[2]));
`;

describe('startDaemon', () => {
  it('reports a missing program as "cannot run", with the system error', async () => {
    await assert.rejects(
      startDaemon('stand-in', join(dir, 'no-such-program'), [], join(dir, 'never.sock'), { timeoutMs: 2_000, output: 'ignore' }),
      (err: Error) => {
        assert.ok(err instanceof HarnessError);
        assert.equal(err.code, HarnessCodes.MISSING_DEPENDENCY);
        assert.match(err.message, /^stand-in: cannot run .*no-such-program: .*ENOENT/);
        return true;
      },
    );
  });

  it('reports a daemon that exits before it answers with its exit code', async () => {
    await assert.rejects(
      startDaemon('stand-in', process.execPath, ['-e', 'process.exit(3)'], join(dir, 'never.sock'), { timeoutMs: 5_000, output: 'ignore' }),
      /stand-in exited at start \(code 3\)/,
    );
  });

  it('waits for a socket whose folder does not exist yet', async () => {
    const socketPath = join(dir, 'made-later', 'deeper', 'daemon.sock');
    const daemon = await startDaemon('stand-in', process.execPath, ['-e', LATE_LISTENER, socketPath, '100'], socketPath, {
      timeoutMs: 5_000,
      output: 'ignore',
    });
    await daemon.stop();
    assert.notEqual((await daemon.exited).signal, null);
  });
});
