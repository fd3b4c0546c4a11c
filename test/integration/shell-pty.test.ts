import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { packageRoot } from '../../core/paths.js';
import { CLI } from '../support/cli.js';

/**
 * cardspec shell at a terminal: driven through a pseudo-terminal by Python's pty module
 * (test/fixtures/pty-session.py), keystroke by keystroke, as a person types.
 */
const ROOT = packageRoot();
const DRIVER = join(ROOT, 'test', 'fixtures', 'pty-session.py');
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const PROMPT = 'cardspec> ';
const CTRL_C = '\u0003';
const CTRL_D = '\u0004';
const UP = '\u001b[A';
const TAB = '\t';
const ENTER = '\r';

type Step = ['send', string] | ['expect', string, number];

function send(text: string): Step {
  return ['send', text];
}

function expect(pattern: string, seconds = 15): Step {
  return ['expect', pattern, seconds];
}

function run(command: string[], env: Record<string, string>, cwd?: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...command], { env: { ...process.env, ...env }, cwd });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.once('exit', (code) => resolve({ code, out }));
  });
}

/** Runs the shell in a pseudo-terminal; gives its output and exit code. */
function shellAtTerminal(steps: Step[], env: Record<string, string>, cwd: string): Promise<{ exit: number; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [DRIVER, JSON.stringify(steps), process.execPath, CLI, 'shell'], {
      env: { ...process.env, LC_ALL: '', LC_MESSAGES: '', LANG: 'C.UTF-8', TERM: 'xterm', ...env },
      cwd,
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      const exit = /\nEXIT (\d+)\n$/.exec(out);
      if (code !== 0 || !exit) reject(new Error(`the pty driver ended with ${code}:\n${out}`));
      else resolve({ exit: Number(exit[1]), out });
    });
  });
}

/** The reader holds no card and no connection: a run can take it at once. */
async function assertReaderClean(): Promise<void> {
  const readers = await run(['readers'], {});
  assert.match(readers.out, /^0: Virtual PCD 00 00\n {3}no card$/m);
  const next = await run(['run', join(ROOT, 'features', 'cards', 'read.feature')], {});
  assert.equal(next.code, 0, next.out);
}

describe('cardspec shell at a terminal', () => {
  let dir: string;
  let env: Record<string, string>;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'cardspec-pty-'));
    env = { XDG_STATE_HOME: join(dir, 'state') };
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('completes commands, keeps a history without the PIN, and Ctrl-C leaves card and reader clean', async () => {
    const { exit, out } = await shellAtTerminal(
      [
        expect(PROMPT, 30),
        send(`he${TAB}`),
        expect('help '),
        send(ENTER),
        expect('Tab completes'),
        expect(PROMPT),
        send(`verify 1 1234${ENTER}`),
        expect('< 9000  success'),
        expect(PROMPT),
        send(`sel${TAB}`),
        expect('select '),
        send(`0001${ENTER}`),
        expect('< 9000  success'),
        expect(PROMPT),
        // Ctrl-C on a line being typed clears it; on an empty line it leaves.
        send(`00 B0 00 00${CTRL_C}`),
        expect('Ctrl-C on an empty line'),
        expect(PROMPT),
        send(CTRL_C),
      ],
      env,
      dir,
    );
    assert.equal(exit, 0, out);
    assert.match(out, /reader "Virtual PCD 00 00", T=1/);
    // The terminal echoes what is typed (verify 1 ${env:CARD_PIN} keeps the PIN off the screen); the shell adds no PIN.
    assert.equal((out.match(/\b1234\b/g) ?? []).length, 1, 'the PIN shows only where it was typed');
    const history = readFileSync(join(dir, 'state', 'cardspec', 'shell_history'), 'utf8');
    assert.equal(history, 'help\nverify 1 ***\nselect 0001\n');
    await assertReaderClean();
  });

  it('offers the history of earlier sessions with the up arrow, the PIN masked', async () => {
    const { exit, out } = await shellAtTerminal(
      [expect(PROMPT, 30), send(UP), expect('select 0001'), send(UP), expect('verify 1 \\*\\*\\*'), send(CTRL_C), expect(PROMPT), send(CTRL_D)],
      env,
      dir,
    );
    assert.equal(exit, 0, out);
  });

  it('stops a running script on Ctrl-C, and leaves after it cleanly', async () => {
    writeFileSync(join(dir, 'long.script'), `00 A4 00 0C 02 00 01\n${'00 B0 00 00 00\n'.repeat(5000)}`);
    const { exit, out } = await shellAtTerminal(
      [expect(PROMPT, 30), send(`run long.script${ENTER}`), expect('Hello World'), send(CTRL_C), expect('interrupted'), expect(PROMPT), send(`quit${ENTER}`)],
      env,
      dir,
    );
    assert.equal(exit, 0, out);
    assert.match(out, /long\.script stopped at line \d+/);
    assert.ok((out.match(/Hello World/g) ?? []).length < 5000, 'the script stopped before its end');
    await assertReaderClean();
  });

  it('writes the recording when Ctrl-C ends the session, and the feature passes', async () => {
    const { exit, out } = await shellAtTerminal(
      [
        expect(PROMPT, 30),
        send(`record at-terminal${ENTER}`),
        expect('cardspec \\(recording\\)> '),
        send(`select 0001${ENTER}`),
        expect('< 9000'),
        send(`00 B0 00 00 00${ENTER}`),
        expect('Hello World'),
        expect('cardspec \\(recording\\)> '),
        send(CTRL_C),
      ],
      env,
      dir,
    );
    assert.equal(exit, 0, out);
    assert.match(out, /at-terminal\.feature written: 2 exchange\(s\)/);
    const result = await run(['run', join(dir, 'at-terminal.feature')], {});
    assert.equal(result.code, 0, result.out);
    await assertReaderClean();
  });
});
