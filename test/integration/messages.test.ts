import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { packageRoot } from '../../core/paths.js';

/**
 * What a spec writer sees for each kind of mistake: one message on the line where the
 * mistake is, naming what was expected and the nearest valid name, with no stack trace;
 * and what each report format holds (the README's claims, searched for in the files).
 */
const CLI = join(packageRoot(), 'bin', 'cardspec.js');

function cardspec(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: options.cwd, env: { ...process.env, CARDSPEC_VERBOSE: '', ...options.env } });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.once('exit', (code) => resolve({ code, out }));
  });
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** No stack trace, no location in the harness's compiled code. */
function assertQuiet(out: string): void {
  assert.doesNotMatch(out, /^\s+at .*\(?(file:|node:|\/)/m, 'a stack trace');
  assert.doesNotMatch(out, /dist\/(steps|src)\//, 'a location in dist/');
}

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'cardspec-messages-'));
  mkdirSync(join(dir, 'cards'));
  writeFileSync(join(dir, 'cards', 'broken.yaml'), 'extends: iso7816-demo\nname: broken\npatch-files:\n  - fid: 0004\n    tpye: transparent\n');
  writeFileSync(join(dir, 'cards', 'my-card.yaml'), 'extends: iso7816-demo\nname: my-card\npatch-files:\n  - fid: 0004\n    type: transparent\n    content: ascii:one more file\n');
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('mistakes found before the run', () => {
  it('stops the run with exit 2 and one line per mistake, on its line, with the nearest name', async () => {
    const file = join(dir, 'prerun.feature');
    writeFileSync(file, `Feature: Mistakes before the run

  Scenario: A misspelt profile name
    Given the card "iso7816-dmo" is inserted

  Scenario: A profile path that is not there
    Given the card "cards/missing.yaml" is inserted

  Scenario: A broken profile, and its error expected
    Given the card "cards/broken.yaml" is inserted
    Then it fails with CARDSPEC_BAD_PROFILE

  Scenario: A misspelt error code
    Given the PKCS#11 token "harness-token"
    When I read the attribute CKA_PRIVATE_EXPONENT of "k"
    Then it fails with CKR_ATTRIBUTE_SENSITVE
`);
    const { code, out } = await cardspec(['run', file]);
    assert.equal(code, 2, out);
    assert.match(out, /5 mistakes found before the run; no scenario was run/);
    const line = (n: number, message: string): void => assert.match(out, new RegExp(`^  ${escape(file)}:${n}: ${message}$`, 'm'));
    line(4, 'CARDSPEC_BAD_PROFILE: no card profile "iso7816-dmo" \\(did you mean iso7816-demo\\?\\): the project\'s profiles are iso7816-demo, iso7816-t0.*');
    line(7, `CARDSPEC_BAD_PROFILE: bad card profile ${escape(join(dir, 'cards', 'missing.yaml'))}: no such file.*`);
    line(10, `CARDSPEC_BAD_PROFILE: bad card profile ${escape(join(dir, 'cards', 'broken.yaml'))}, line 5, patch-files\\[0\\]\\.tpye: expected one of the fields path, fid, type.*`);
    line(11, 'CARDSPEC_BAD_EXPECTATION: CARDSPEC_BAD_PROFILE is a mistake in the spec or its set-up, not a failure of the card or token.*');
    line(16, 'CARDSPEC_BAD_EXPECTATION: unknown error code CKR_ATTRIBUTE_SENSITVE \\(did you mean CKR_ATTRIBUTE_SENSITIVE\\?\\).*');
    assert.doesNotMatch(out, /passed|failed {2}/);
    assertQuiet(out);
  });

  it('checks --card and the hardware configuration before the run', async () => {
    const file = join(dir, 'plain.feature');
    writeFileSync(file, 'Feature: plain\n  Scenario: plain\n    Given a card is inserted\n');
    const card = await cardspec(['run', '--card', 'iso7816-tO', file]);
    assert.equal(card.code, 2, card.out);
    assert.match(card.out, /^ {2}--card iso7816-tO: CARDSPEC_BAD_PROFILE: no card profile "iso7816-tO" \(did you mean iso7816-t0\?\)/m);
    const config = await cardspec(['run', '--target', 'hardware', '--config', join(dir, 'bench.yaml'), file]);
    assert.equal(config.code, 2, config.out);
    assert.match(config.out, /^ {2}hardware configuration: CARDSPEC_BAD_CONFIG: cannot read the hardware configuration .*bench\.yaml/m);
    assertQuiet(card.out + config.out);
  });
});

describe('mistakes found while running', () => {
  const file = (): string => join(dir, 'runtime.feature');
  let result: { code: number | null; out: string };
  let report: Array<{ elements: Array<{ name: string; steps: Array<{ name?: string; line?: number; result: { status: string; error_message?: string } }> }> }>;

  before(async () => {
    writeFileSync(file(), `Feature: Mistakes while running

  Scenario: An undefined step
    Given a card is inserted
    Then the status is "9000"

  Scenario: An unknown mechanism
    Given the PKCS#11 token "messages-token"
    And I am logged in as the user
    And an EC-P256 key pair labelled "signer"
    When I sign "hi" with "signer" using CKM_ECDSA_SHA265

  Scenario: An unknown key type
    Given the PKCS#11 token "messages-token"
    And an RSA-2408 key pair labelled "signer"

  Scenario: An unknown hash
    Given the PKCS#11 token "messages-token"
    And I am logged in as the user
    And an EC-P256 key pair labelled "signer"
    When I sign the SHA-265 digest of "hi" with "signer" using CKM_ECDSA

  Scenario: A key label of another type
    Given the PKCS#11 token "messages-token"
    And I am logged in as the user
    And an EC-P256 key pair labelled "k"
    And an EC-P384 key pair labelled "k"
    Then the token has an object labelled "k"

  Scenario: A key label that is not there
    Given the PKCS#11 token "messages-token"
    And I am logged in as the user
    When I sign "hi" with "nobody" using CKM_ECDSA

  Scenario: A step in the wrong order
    When I send the APDU "00 A4 00 0C 02 3F 00"

  Scenario: A failure of the token that no step expects
    Given the PKCS#11 token "messages-token"
    When I log in as the user with PIN "9999"
    Then the token has no object labelled "x"

  Scenario: A failure of another code than expected
    Given the PKCS#11 token "messages-token"
    When I log in as the user with PIN "9999"
    Then it fails with CKR_PIN_LOCKED

  Scenario: An expected failure that did not happen
    Given the PKCS#11 token "messages-token"
    When I log in as the user with PIN "1234"
    Then it fails with CKR_PIN_INCORRECT

  Scenario: An expected failure of the token
    Given the PKCS#11 token "messages-token"
    When I log in as the user with PIN "9999"
    Then it fails with CKR_PIN_INCORRECT

  Scenario: A profile next to the feature file
    Given the card "cards/my-card.yaml" is inserted
    When I send the APDU "00 A4 00 0C 02 00 04"
    And I send the APDU "00 B0 00 00 00"
    Then the response data is the text "one more file"
`);
    // From another working folder: the profile path is taken relative to the feature file.
    result = await cardspec(['run', file(), '--', '--format', `json:${join(dir, 'runtime.json')}`], { cwd: tmpdir() });
    report = JSON.parse(readFileSync(join(dir, 'runtime.json'), 'utf8')) as typeof report;
  });

  /** The console's line of the step at `line`, and the message right under it. */
  function stepFails(line: number, message: string): void {
    assert.match(result.out, new RegExp(`✖ .*runtime\\.feature:${line}\\n\\s+${message}`), `line ${line}`);
    const steps = report.flatMap((s) => s.elements).flatMap((e) => e.steps).filter((s) => s.line === line);
    assert.equal(steps[0]?.result.status, 'failed', `line ${line} in the JSON report`);
  }

  it('fails the run, passing only the scenarios without mistakes', () => {
    assert.equal(result.code, 1, result.out);
    assert.match(result.out, /^2 passed, 10 failed$/m);
  });

  it('answers an undefined step with the nearest built-in steps, the snippet only after them', () => {
    assert.match(result.out, new RegExp(`\\? Then the status is "9000" .*runtime\\.feature:5\\n\\s+no step has this text; did you mean:\\n\\s+Then the status word is \\{string\\}`));
    assert.ok(result.out.indexOf('did you mean:') < result.out.indexOf('for programmers'), 'the snippet comes second');
  });

  it('names the nearest mechanism, key type and hash with the valid ones', () => {
    stepFails(11, 'CARDSPEC_UNKNOWN_NAME: unknown mechanism "CKM_ECDSA_SHA265" \\(did you mean CKM_ECDSA_SHA256\\?\\): write a CKM_ name of PKCS#11; the harness signs, encrypts and digests with CKM_RSA_PKCS, ');
    stepFails(15, 'CARDSPEC_UNKNOWN_NAME: unknown key type "RSA-2408" \\(did you mean RSA-2048\\?\\): use one of RSA-2048, RSA-3072, RSA-4096, EC-P256, EC-P384, Ed25519');
    stepFails(21, 'CARDSPEC_UNKNOWN_NAME: unknown hash "SHA-265" \\(did you mean SHA-256\\?\\): use one of SHA-1, SHA-224, SHA-256, SHA-384, SHA-512');
  });

  it('fails key labels and ordering mistakes on their own step, with their code', () => {
    stepFails(27, 'CARDSPEC_KEY_MISMATCH: ');
    stepFails(33, 'CARDSPEC_NO_OBJECT: ');
    stepFails(36, 'CARDSPEC_NO_CARD: no card is connected: start the scenario with "Given a card is inserted"');
  });

  it('fails a token failure on the step that met it, not on the next step', () => {
    stepFails(40, 'C_Login failed: CKR_PIN_INCORRECT');
    assert.match(result.out, new RegExp(`- Then the token has no object labelled "x" .*runtime\\.feature:41`));
    stepFails(45, 'C_Login failed: CKR_PIN_INCORRECT .*\\(the next step expects CKR_PIN_LOCKED\\)');
    stepFails(51, 'CARDSPEC_BAD_EXPECTATION: expected "I log in as the user with PIN "\\*\\*\\*"" to fail with CKR_PIN_INCORRECT, but it succeeded');
  });

  it('reports no scenario with a failed step as passed', () => {
    for (const scenario of report.flatMap((s) => s.elements)) {
      const failed = scenario.steps.some((s) => s.result.status !== 'passed');
      const passedLine = new RegExp(`^passed .*  ${escape(scenario.name)}$`, 'm');
      if (failed) assert.doesNotMatch(result.out, passedLine, scenario.name);
    }
    assert.match(result.out, /^passed .* {2}An expected failure of the token$/m);
    assert.match(result.out, /^passed .* {2}A profile next to the feature file$/m);
  });

  it('shows no stack trace and no harness file', () => {
    assertQuiet(result.out);
  });
});

describe('the reports of a run (-p ci), as the README describes them', () => {
  let reports: string;
  before(async () => {
    const work = mkdtempSync(join(dir, 'ci-'));
    writeFileSync(join(work, 'reports.feature'), `Feature: Reports

  Scenario: A verified PIN and a wrong status word
    Given a card is inserted
    When I send the APDU "00 20 00 01 04 \${ascii:\${env:CARDSPEC_REPORT_PIN}}"
    Then the status word is "9000"
    When I send the APDU "00 A4 00 0C 02 00 09"
    Then the status word is "9000"

  Scenario: A wrong PIN, expected
    Given the PKCS#11 token "reports-token"
    When I log in as the user with PIN "\${env:CARDSPEC_REPORT_TOKEN_PIN}"
    Then it fails with CKR_PIN_INCORRECT
    Then the mechanism CKM_ECDSA is supported
`);
    const { out } = await cardspec(['run', 'reports.feature', '--', '-p', 'ci'], { cwd: work, env: { CARDSPEC_REPORT_PIN: '1234', CARDSPEC_REPORT_TOKEN_PIN: '97531' } });
    assert.match(out, /^1 passed, 1 failed$/m, out);
    reports = join(work, 'reports');
  });

  /** A report's text with base64 attachments (JSON) decoded and JSON string escapes undone (HTML). */
  function read(name: string): string {
    let text = readFileSync(join(reports, name), 'utf8');
    if (name.endsWith('.json')) {
      const data = [...text.matchAll(/"data":\s*"([A-Za-z0-9+/=]+)"/g)].map((m) => Buffer.from(m[1]!, 'base64').toString('utf8'));
      text += `\n${data.join('\n')}`;
    }
    return text.replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\u003e/gi, '>').replace(/&gt;/g, '>');
  }

  for (const name of ['junit.xml', 'report.json', 'report.html', 'messages.ndjson']) {
    it(`${name}: each scenario's APDU trace (time, command, response, meaning, duration) and PKCS#11 calls, secrets masked`, () => {
      const text = read(name);
      assert.match(text, /\d\d:\d\d:\d\d\.\d{3} {2}00 20 00 01 04 \*\*\* {2}-> {2}9000 \(success\) {2}\d+ µs/);
      assert.match(text, /00 A4 00 0C 02 00 09 {2}-> {2}6A82 \(file or application not found\)/);
      assert.match(text, /C_Login {2}-> {2}CKR_PIN_INCORRECT/);
      assert.match(text, /C_GetMechanismInfo x\d+ {2}-> {2}CKR_OK/, 'repeated mechanism queries on one line');
      assert.doesNotMatch(text, /31 ?32 ?33 ?34|97531|39 ?37 ?35 ?33 ?31/, 'a secret');
    });

    it(`${name}: the failed step with what was expected and what came`, () => {
      assert.match(read(name), /the status word is 6A82 \(file or application not found\), expected 9000/);
    });
  }

  it('junit.xml: the trace is in system-out and, for the failed testcase, in its failure element', () => {
    const xml = readFileSync(join(reports, 'junit.xml'), 'utf8');
    const failure = /<failure type="[^"]*" message="[^"]*">(<!\[CDATA\[[\s\S]*?\]\]>)<\/failure>/.exec(xml)?.[1] ?? '';
    assert.match(failure, /Then the status word is "9000" {2}\(reports\.feature:8\)\nthe status word is 6A82/);
    assert.match(failure, /APDU trace:\n.*00 20 00 01 04 \*\*\*/);
    const outs = [...xml.matchAll(/<system-out>([\s\S]*?)<\/system-out>/g)].map((m) => m[1]!);
    assert.equal(outs.length, 2);
    assert.match(outs[0]!, /APDU trace:/);
    assert.match(outs[1]!, /PKCS#11 calls:/);
    assert.match(outs[1]!, /When I log in as the user with PIN "\$\{env:CARDSPEC_REPORT_TOKEN_PIN\}" \.\.\. failed, as the next step expects: C_Login failed: CKR_PIN_INCORRECT/);
  });
});
