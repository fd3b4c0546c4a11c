import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { packageRoot } from '../../core/paths.js';
import { cardspec, startSim, type CliResult, type RunningSim } from '../support/cli.js';

/**
 * The hardware target against the cards `cardspec sim` keeps in two vpcd readers: as far
 * as pcscd is concerned, a bench of two physical readers. Checks the PIN guard, reader
 * selection, and that no report holds the PIN.
 */
const ROOT = packageRoot();
const PIN = '8642';
/** The PIN as text (a whole word: not a digit run inside a timestamp), and as hex. */
const PIN_FORMS = [/\b8642\b/, /38363432/i, /38 36 34 32/i];

function run(args: string[], env: Record<string, string>): Promise<CliResult> {
  return cardspec(['run', ...args], { env });
}

/** A report's text, with the JSON report's base64 attachments decoded so they are searched too. */
function reportText(file: string): string {
  const text = readFileSync(file, 'utf8');
  if (!file.endsWith('.json')) return withoutIdsAndTimes(text);
  const decoded = [...text.matchAll(/"data":\s*"([A-Za-z0-9+/=]+)"/g)].map((m) => Buffer.from(m[1]!, 'base64').toString('utf8'));
  return withoutIdsAndTimes([text, ...decoded].join('\n'));
}

/**
 * Reports are full of UUIDs and durations, where four digits like the PIN's turn up by
 * chance (a UUID group "8642", a step of 8642 ns): those are not the PIN and go first.
 */
function withoutIdsAndTimes(text: string): string {
  return text
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<id>')
    .replace(/"(nanos|seconds|duration|timestamp)":\s*\d+/g, '"$1":0')
    .replace(/\b\d+(\.\d+)? ?(µs|ms|s)\b/g, '<time>');
}

describe('the hardware target against cardspec sim', () => {
  let sim: RunningSim | undefined;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cardspec-hardware-'));
    sim = await startSim(['--card', join(ROOT, 'test/fixtures/secret-pin.yaml'), '--card', 'iso7816-t0']);
  });

  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await sim?.stop();
  });

  it('passes the card features, stops before a blocking VERIFY, and no report holds the PIN', async () => {
    const config = join(dir, 'bench.yaml');
    writeFileSync(config, 'reader: /Virtual PCD/\ncardTimeoutMs: 5000\n');
    const reports = join(dir, 'reports');
    const { code, output } = await run(
      [
        '--target', 'hardware', '--config', config, 'features/cards', 'features/hardware', '--',
        '--format', `json:${reports}/report.json`, '--format', `html:${reports}/report.html`,
        '--format', `${join(packageRoot(), 'dist', 'steps', 'formatters', 'junit.js')}:${reports}/junit.xml`, '--format', `message:${reports}/messages.ndjson`,
      ],
      { CARD_PIN: PIN },
    );
    assert.equal(code, 0, output);
    assert.match(output, /passed {2}features\/hardware\/guard\.feature:7/);
    assert.match(output, /skipped features\/hardware\/guard\.feature:\d+ +Taking the card out needs a person/);
    assert.match(output, /^\d+ passed, 0 failed, 1 skipped$/m);
    const files = readdirSync(reports);
    assert.equal(files.length, 4);
    for (const file of files) {
      const text = reportText(join(reports, file));
      assert.ok(text.includes('00 20 00 01 04 ***'), `${file} shows the masked VERIFY`);
      for (const form of PIN_FORMS) assert.doesNotMatch(text, form, `${file} holds the PIN`);
    }
    for (const form of PIN_FORMS) assert.doesNotMatch(withoutIdsAndTimes(output), form, 'the console output holds the PIN');
  });

  /** The data-carrying VERIFY (20) and CHANGE REFERENCE DATA (24) commands the card saw, from the report's traces. */
  function pinCommandsSeen(report: string): { verify: number; change: number; trace: string } {
    const trace = reportText(report);
    return { verify: [...trace.matchAll(/00 20 00 01 04 \*\*\*/g)].length, change: [...trace.matchAll(/00 24 00 01 08 \*\*\*/g)].length, trace };
  }

  it('trusts only the configured card PIN: the value of another variable never reaches a card with one try left', async () => {
    const config = join(dir, 'reader0.yaml');
    writeFileSync(config, 'reader: 0\ncardTimeoutMs: 5000\n');
    const report = join(dir, 'other-pin.json');
    const { code, output } = await run(
      ['--target', 'hardware', '--config', config, 'test/fixtures/features/other-pin.feature', '--', '--format', `json:${report}`],
      { CARD_PIN: PIN, WRONG_PIN: '0000', OLD_PIN: '1357' },
    );
    assert.equal(code, 0, output);
    assert.match(output, /^2 passed, 0 failed$/m);
    const seen = pinCommandsSeen(report);
    assert.equal(seen.verify, 3, `the card saw two wrong VERIFYs and the configured PIN, not the refused ones:\n${seen.trace}`);
    assert.equal(seen.change, 1, `the card saw only the CHANGE REFERENCE DATA of the PIN to itself:\n${seen.trace}`);
    for (const form of [...PIN_FORMS, /\b1357\b/, /31333537/]) assert.doesNotMatch(seen.trace, form);
  });

  it('reads the configured card PIN from a file, as the configuration says', async () => {
    const pinFile = join(dir, 'card-pin');
    writeFileSync(pinFile, `${PIN}\n`, { mode: 0o600 });
    const config = join(dir, 'pin-file.yaml');
    writeFileSync(config, `reader: 0\ncardTimeoutMs: 5000\ncardPin: \${file:${pinFile}}\n`);
    const { code, output } = await run(['--target', 'hardware', '--config', config, 'test/fixtures/features/other-pin.feature'], { CARD_PIN: PIN, WRONG_PIN: '0000', OLD_PIN: '1357' });
    assert.equal(code, 0, output);
    assert.match(output, /^2 passed, 0 failed$/m);
  });

  it('trusts nothing when the configured card PIN is not set: even the value of CARD_PIN is checked', async () => {
    const config = join(dir, 'unset.yaml');
    writeFileSync(config, 'reader: 0\ncardTimeoutMs: 5000\ncardPin: ${env:BENCH_CARD_PIN}\n');
    const report = join(dir, 'unset.json');
    const { code, output } = await run(
      ['--target', 'hardware', '--config', config, 'test/fixtures/features/unset-card-pin.feature', '--', '--format', `json:${report}`],
      { CARD_PIN: PIN, WRONG_PIN: '0000' },
    );
    assert.equal(code, 0, output);
    assert.match(output, /^2 passed, 0 failed$/m);
    const seen = pinCommandsSeen(report);
    assert.equal(seen.verify, 3, `the card saw two wrong VERIFYs and the @destructive right one:\n${seen.trace}`);
  });

  it('picks the reader by index, and waits for the card with the profile ATR', async () => {
    const config = join(dir, 'index.yaml');
    writeFileSync(config, 'reader: 1\ncardTimeoutMs: 5000\n');
    const { code, output } = await run(['--target', 'hardware', '--config', config, 'features/cards/t0.feature'], { CARD_PIN: PIN });
    assert.equal(code, 0, output);
    assert.match(output, /^4 passed, 0 failed$/m);
  });

  it('needs no configuration: the reader whose card has the profile ATR, else a list of the readers', async () => {
    const t0 = await run(['--target', 'hardware', 'features/cards/t0.feature'], { CARD_PIN: PIN });
    assert.equal(t0.code, 0, t0.output);
    assert.match(t0.output, /^4 passed, 0 failed$/m);
    const any = await run(['--target', 'hardware', 'features/cards/atr.feature'], { CARD_PIN: PIN });
    assert.notEqual(any.code, 0);
    assert.match(any.output, /2 readers hold a card, so the run cannot tell which to use: name one with --card PROFILE .*0: "Virtual PCD 00 00" \(ATR 3B/);
  });

  it('names the readers when the configured one is not there', async () => {
    const config = join(dir, 'missing.yaml');
    writeFileSync(config, 'reader: "Gemalto PC Twin Reader 00 00"\n');
    const { code, output } = await run(['--target', 'hardware', '--config', config, 'features/cards/atr.feature'], { CARD_PIN: PIN });
    assert.notEqual(code, 0);
    assert.match(output, /no reader "Gemalto PC Twin Reader 00 00" \(readers: 0: "Virtual PCD 00 00", 1: "Virtual PCD 00 01"/);
  });
});

describe('the hardware PIN guard on a card that does not tell the tries left', () => {
  let sim: RunningSim | undefined;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cardspec-hardware-'));
    sim = await startSim(['--card', join(ROOT, 'test/fixtures/no-tries-query.yaml')]);
  });

  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await sim?.stop();
  });

  it('never sends a wrong VERIFY unless @destructive: the card keeps its tries', async () => {
    const config = join(dir, 'bench.yaml');
    writeFileSync(config, 'reader: 0\ncardTimeoutMs: 5000\n');
    const report = join(dir, 'report.json');
    const { code, output } = await run(
      ['--target', 'hardware', '--config', config, 'test/fixtures/features/no-tries-query.feature', '--', '--format', `json:${report}`],
      { CARD_PIN: PIN },
    );
    assert.equal(code, 0, output);
    assert.match(output, /^3 passed, 0 failed$/m);
    // What reached the card: the traces of the report (secrets masked as ***).
    const trace = reportText(report);
    const pinCommands = [...trace.matchAll(/00 (?:20|24) 00 01 0[48] \*\*\*/g)].length;
    assert.equal(pinCommands, 4, `the card saw the three right VERIFYs and one @destructive wrong one, nothing else:\n${trace}`);
  });
});
