import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { packageRoot } from '../../core/paths.js';
import { CLI, startSim, type RunningSim } from '../support/cli.js';

/**
 * cardspec shell and cardspec import through pipes, on the simulator (and on the hardware
 * target against cardspec sim), as a script would use them.
 */

/** The demo card's PIN as text, as hex, and as spaced hex: none may be in a feature. */
const PIN_FORMS = [/\b1234\b/, /31323334/, /31 32 33 34/];

interface Result {
  code: number | null;
  out: string;
  err: string;
}

function cardspec(args: string[], input: string, options: { env?: Record<string, string>; cwd?: string } = {}): Promise<Result> {
  return new Promise((resolve) => {
    const env = { ...process.env, LC_ALL: '', LC_MESSAGES: '', LANG: 'C.UTF-8', ...options.env };
    delete (env as Record<string, string | undefined>).CARD_PIN;
    Object.assign(env, options.env);
    const child = spawn(process.execPath, [CLI, ...args], { env, cwd: options.cwd });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.once('exit', (code) => resolve({ code, out, err }));
    child.stdin.end(input);
  });
}

/** The reader the shell used holds no card once it has ended: the next run or shell may take it. */
async function assertReaderEmpty(): Promise<void> {
  const { code, out } = await cardspec(['readers'], '');
  assert.equal(code, 0, out);
  assert.match(out, /^0: Virtual PCD 00 00\n {3}no card$/m);
}

describe('cardspec shell through a pipe', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'cardspec-shell-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('prints "Hello World!" beside the hex, 9000 and its meaning, and exits 0', async () => {
    const { code, out, err } = await cardspec(['shell'], '00 A4 00 0C 02 00 01\n00 B0 00 00 00\nquit\n');
    assert.equal(code, 0, out + err);
    assert.match(out, /^> 00 B0 00 00 00$/m);
    assert.match(out, /^< 48 65 6C 6C 6F 20 57 6F 72 6C 64 21 0A +Hello World!\.$/m);
    assert.match(out, /^< 9000 {2}success {2}\(\d+\.\d\d ms\)$/m);
    assert.match(err, /reader "Virtual PCD 00 00", T=1/);
    await assertReaderEmpty();
  });

  it('shows the GET RESPONSE exchanges of a T=0 card, and stops them with auto off', async () => {
    const select = '00 A4 04 00 09 F0 43 41 52 44 53 50 45 43 00';
    const { code, out } = await cardspec(['shell', '--card', 'iso7816-t0'], `${select}\nauto off\n${select}\n`);
    assert.equal(code, 0, out);
    assert.match(out, /^ {2}\| 00 A4 04 00 09 F0 43 41 52 44 53 50 45 43 00 {2}-> {2}61 0D {2}\(13 more bytes available \(GET RESPONSE\)\)$/m);
    assert.match(out, /^ {2}\| 00 C0 00 00 0D {2}-> {2}6F 0B 84 09 .* 90 00 {2}\(success\)$/m);
    assert.match(out, /^< 6F 0B 84 09 F0 43 41 52 44 53 50 45 43 +o\.\.\.\.CARDSPEC$/m);
    assert.match(out, /automatic GET RESPONSE is off\n> .*\n< 610D {2}13 more bytes available/);
  });

  it('goes on after a failed command and exits 1, naming the column of bad hex', async () => {
    const { code, out, err } = await cardspec(['shell'], '00 A4 0G 00\nfrobnicate\nselect 0001\n');
    assert.equal(code, 1);
    assert.match(err, /error: CARDSPEC_BAD_HEX: bad hex "00 A4 0G 00": 'G' at column 8/);
    assert.match(err, /error: unknown command "frobnicate": type help for the commands/);
    assert.match(out, /> select 0001\n< 9000/);
  });

  it('masks the PIN in what it prints, typed or from the environment', async () => {
    const { code, out, err } = await cardspec(['shell'], 'verify 1 1234\n00 20 00 01 04 31 32 33 34\nverify 1 ${env:CARD_PIN}\nverify 1\n', { env: { CARD_PIN: '1234' } });
    assert.equal(code, 0, out + err);
    assert.match(out, /> verify 1 \*\*\*\n< 9000/);
    assert.match(out, /> 00 20 00 01 04 \*\*\*\n< 9000/);
    assert.match(out, /> verify 1 \$\{env:CARD_PIN\}\n< 9000/);
    for (const form of PIN_FORMS) assert.doesNotMatch(out + err, form);
  });

  it('speaks French with LANG=fr_FR.UTF-8: meanings and help', async () => {
    const { code, out, err } = await cardspec(['shell'], 'select 0009\nselect 0001\nverify 1 0000\nhelp\n', { env: { LANG: 'fr_FR.UTF-8' } });
    assert.equal(code, 0, out + err);
    assert.match(out, /^< 6A82 {2}fichier ou application introuvable {2}\(\d+,\d\d ms\)$/m);
    assert.match(out, /^< 9000 {2}succès/m);
    assert.match(out, /^< 63C2 {2}vérification échouée, 2 essais restants/m);
    assert.match(out, /réinitialisation à chaud de la carte/);
    assert.match(err, /cardspec shell sur la cible simulator : lecteur « Virtual PCD 00 00 »/);
    const english = await cardspec(['shell'], 'select 0009\n', { env: { LANG: 'fr_FR.UTF-8', LC_ALL: 'C' } });
    assert.match(english.out, /6A82 {2}file or application not found/);
  });

  it('records a session into a feature that cardspec run passes on the same card, without the PIN', async () => {
    const session = [
      'verify 1 9999', // before the recording: the recording starts from a fresh card
      'record session',
      '# the greeting',
      'select 0001',
      '00 B0 00 00 00',
      'verify 1 0000',
      'verify 1 1234',
      'select 0003',
      '00 B0 00 00 00',
      '00 84 00 00 08',
      'atr',
      'stop',
    ].join('\n');
    const { code, out, err } = await cardspec(['shell'], `${session}\n`, { cwd: dir });
    assert.equal(code, 0, out + err);
    assert.match(out, /session\.feature written: 7 exchange\(s\)\nrun it with: CARD_PIN=\.\.\. npx cardspec run .*session\.feature/);
    const feature = readFileSync(join(dir, 'session.feature'), 'utf8');
    assert.match(feature, /When I send the APDU "00 20 00 01 04 \$\{ascii:\$\{env:CARD_PIN\}\}"\n {4}Then the status word is "9000"/);
    assert.match(feature, /When I send the APDU "00 20 00 01 04 30 30 30 30"\n {4}Then the status word is "63C2"/);
    assert.match(feature, /Then the response data is "74 6F 70 20 73 65 63 72 65 74"/);
    for (const form of PIN_FORMS) assert.doesNotMatch(feature, form);
    const run = await cardspec(['run', join(dir, 'session.feature')], '', { env: { CARD_PIN: '1234' } });
    assert.equal(run.code, 0, run.out + run.err);
    assert.match(run.out, /^1 passed, 0 failed$/m);
    // The same feature with another PIN fails: the PIN really comes from CARD_PIN.
    const wrong = await cardspec(['run', join(dir, 'session.feature')], '', { env: { CARD_PIN: '4321' } });
    assert.equal(wrong.code, 1);
  });

  it('ends in order on SIGTERM: exit 143, the recording written, the reader empty', async () => {
    const child = spawn(process.execPath, [CLI, 'shell'], { cwd: dir, env: { ...process.env, LANG: 'C.UTF-8' } });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.stdin.write('record on-term\nselect 0001\n');
    while (!/< 9000/.test(out)) await new Promise((resolve) => child.stdout.once('data', resolve));
    child.kill('SIGTERM');
    assert.equal(await exited, 143);
    assert.match(readFileSync(join(dir, 'on-term.feature'), 'utf8'), /When I send the APDU "00 A4 00 0C 02 00 01"\n {4}Then the status word is "9000"/);
    await assertReaderEmpty();
  });

  it('refuses to record over an existing file', async () => {
    writeFileSync(join(dir, 'kept.feature'), 'Feature: kept\n');
    const { code, err } = await cardspec(['shell'], 'record kept.feature\n', { cwd: dir });
    assert.equal(code, 1);
    assert.match(err, /kept\.feature exists already/);
    assert.equal(readFileSync(join(dir, 'kept.feature'), 'utf8'), 'Feature: kept\n');
  });
});

describe('cardspec import', () => {
  let dir: string;
  const script = [
    '# scriptor script for the demo card',
    '00 A4 00 0C 02 00 01',
    '00B0000000',
    'reset',
    '00 20 00 01 04 31 32 33 34',
    '00 A4 00 0C \\',
    '   02 00 03',
    '00 B0 00 00 00',
    'exit',
    '00 FF FF FF',
  ].join('\n');
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'cardspec-import-'));
    writeFileSync(join(dir, 'demo.script'), `${script}\n`);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('runs a scriptor script and writes a feature with the answers that passes without holding the PIN', async () => {
    const { code, out, err } = await cardspec(['import', 'demo.script'], '', { cwd: dir });
    assert.equal(code, 0, out + err);
    assert.match(out, /demo\.feature written: 5 exchange\(s\)/);
    const feature = readFileSync(join(dir, 'demo.feature'), 'utf8');
    assert.match(feature, /# scriptor script for the demo card\n {4}When I send the APDU "00 A4 00 0C 02 00 01"/);
    assert.match(feature, /When the card is reset/);
    assert.match(feature, /"00 20 00 01 04 \$\{ascii:\$\{env:CARD_PIN\}\}"/);
    assert.doesNotMatch(feature, /00 FF FF FF/);
    for (const form of PIN_FORMS) assert.doesNotMatch(feature, form);
    const run = await cardspec(['run', join(dir, 'demo.feature')], '', { env: { CARD_PIN: '1234' } });
    assert.equal(run.code, 0, run.out + run.err);
    assert.match(run.out, /^1 passed, 0 failed$/m);
    await assertReaderEmpty();
  });

  it('writes a skeleton with --no-run, the PIN as ${env:CARD_PIN} there too', async () => {
    const { code, out } = await cardspec(['import', 'demo.script', '--no-run', '--output', 'skeleton.feature'], '', { cwd: dir });
    assert.equal(code, 0, out);
    const feature = readFileSync(join(dir, 'skeleton.feature'), 'utf8');
    assert.match(feature, /When I send the APDU "00 B0 00 00 00"\n {4}# Then the status word is "\.\.\.\."/);
    assert.match(feature, /"00 20 00 01 04 \$\{ascii:\$\{env:CARD_PIN\}\}"/);
    for (const form of PIN_FORMS) assert.doesNotMatch(feature, form);
  });

  it('names the line and column of bad hex and writes nothing', async () => {
    writeFileSync(join(dir, 'bad.script'), '00 A4 00 0C 02 00 01\n00 B0 0G 00 00\n');
    const { code, err } = await cardspec(['import', 'bad.script'], '', { cwd: dir });
    assert.equal(code, 1);
    assert.match(err, /bad\.script, line 2: bad hex "00 B0 0G 00 00": 'G' at column 8/);
    const again = await cardspec(['import', 'bad.script', '--no-run'], '', { cwd: dir });
    assert.equal(again.code, 1);
  });
});

describe('cardspec shell on the hardware target (a card kept by cardspec sim)', () => {
  const PIN = '8642';
  let sim: RunningSim;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cardspec-shell-hw-'));
    sim = await startSim(['--card', join(packageRoot(), 'test/fixtures/secret-pin.yaml')]);
  });

  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await sim?.stop();
  });

  it('applies the PIN guard of runs: a wrong PIN that could block is refused, the configured one goes', async () => {
    const lines = ['verify 1 0000', 'verify 1 0000', 'verify 1 0000', 'verify 1 ${env:CARD_PIN}', 'verify 1'].join('\n');
    const { code, out, err } = await cardspec(['shell', '--target', 'hardware', '--reader', '0'], `${lines}\n`, { env: { CARD_PIN: PIN } });
    assert.equal(code, 1, out + err);
    assert.match(out, /< 63C2 {2}verification failed, 2 tries left/);
    assert.match(out, /< 63C1 {2}verification failed, 1 try left/);
    assert.match(err, /error: CARDSPEC_REFUSED: refused to protect the card: PIN 01 has 1 try left/);
    // The guard's own query shows among the exchanges; the PIN never does.
    assert.match(out, /> verify 1 \*\*\*\n {2}\| 00 20 00 01 {2}-> {2}63 C1 {2}\(verification failed, 1 try left\)\n> verify 1 \$\{env:CARD_PIN\}\n< 9000/);
    assert.match(out, /> verify 1\n< 9000/);
    for (const form of [/\b8642\b/, /38363432/, /38 36 34 32/]) assert.doesNotMatch(out + err, form);
  });

  it('trusts only the configured card PIN: the value of another variable is refused at one try left, never sent', async () => {
    const lines = ['verify 1 0000', 'verify 1 0000', 'verify 1 ${env:OTHER_PIN}', '00 20 00 01 04 ${ascii:${env:OTHER_PIN}}', 'verify 1', 'verify 1 ${env:CARD_PIN}', 'verify 1'].join('\n');
    const { code, out, err } = await cardspec(['shell', '--target', 'hardware', '--reader', '0'], `${lines}\n`, { env: { CARD_PIN: PIN, OTHER_PIN: '1357' } });
    assert.equal(code, 1, out + err);
    assert.equal([...err.matchAll(/error: CARDSPEC_REFUSED: refused to protect the card: PIN 01 has 1 try left: a wrong value would block it \(only the configured card PIN, cardPin \$\{env:CARD_PIN\}, is sent without this check\)/g)].length, 2, err);
    // Still one try left after the two refusals: neither reached the card. Then the configured PIN verifies.
    assert.match(out, /> verify 1 \$\{env:OTHER_PIN\}\n {2}\| 00 20 00 01 {2}-> {2}63 C1 [^\n]*\n> 00 20 00 01 04 \$\{ascii:\$\{env:OTHER_PIN\}\}\n {2}\| 00 20 00 01 {2}-> {2}63 C1 [^\n]*\n> verify 1\n/);
    assert.match(out, /> verify 1\n< 63C1 {2}verification failed, 1 try left[^\n]*\n> verify 1 \$\{env:CARD_PIN\}\n< 9000[^\n]*\n> verify 1\n< 9000/);
    for (const form of [/\b8642\b/, /38363432/, /38 36 34 32/, /\b1357\b/, /31333537/]) assert.doesNotMatch(out + err, form);
  });

  it('records on hardware a feature that cardspec run --target hardware passes', async () => {
    const lines = ['record on-bench', 'select 0003', '00 B0 00 00 00', 'verify 1 ${env:CARD_PIN}', '00 B0 00 00 00', 'stop'].join('\n');
    const { code, out, err } = await cardspec(['shell', '--target', 'hardware', '--reader', 'Virtual PCD 00 00'], `${lines}\n`, { env: { CARD_PIN: PIN }, cwd: dir });
    assert.equal(code, 0, out + err);
    const feature = readFileSync(join(dir, 'on-bench.feature'), 'utf8');
    assert.match(feature, /When I send the APDU "00 B0 00 00 00"\n {4}Then the status word is "6982"/);
    assert.match(feature, /"00 20 00 01 04 \$\{ascii:\$\{env:CARD_PIN\}\}"/);
    writeFileSync(join(dir, 'bench.yaml'), 'reader: 0\ncardTimeoutMs: 5000\n');
    const run = await cardspec(['run', '--target', 'hardware', '--config', join(dir, 'bench.yaml'), join(dir, 'on-bench.feature')], '', { env: { CARD_PIN: PIN } });
    assert.equal(run.code, 0, run.out + run.err);
    assert.match(run.out, /^1 passed, 0 failed$/m);
  });
});
