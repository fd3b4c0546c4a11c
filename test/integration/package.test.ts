import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { packageRoot } from '../../core/paths.js';

/**
 * cardspec as a user's project gets it: the packed tarball installed offline from npm's
 * cache into a fresh project (scripts/setup.sh puts the dependencies' metadata there),
 * `cardspec init`, and a feature mixing built-in steps, a TypeScript step imported from
 * 'cardspec' and the project's own card commands, on the three targets. The build comes
 * from `npm test`'s build step (npm pack --ignore-scripts packs dist/ as it is).
 */
const ROOT = packageRoot();
const exec = promisify(execFile);
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
/** A secret only the masking scenario puts into its step's error, log and attachment. */
const SECRET = 'Xq7-secret-5093';

/** The environment of a user's shell: none of the npm_* variables of the `npm test` around this. */
function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));
  return { ...env, CARD_PIN: '1234', ...extra };
}

async function sh(cwd: string, command: string, args: string[], env: NodeJS.ProcessEnv = userEnv()): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.once('exit', (code) => resolve({ code: code ?? 1, output }));
  });
}

/** The lab card: the scaffold's card module, plus a command that throws (line 6 below). */
const LAB_MODULE = `import { defineCardModule } from 'cardspec/card';
import myCard from './my-card';

function broken(): never {
  const reason = 'broken on purpose';
  throw new Error(reason);
}

export default defineCardModule({
  commands: [...(myCard.commands ?? []), { ins: 0xe0, name: 'BROKEN', handler: () => broken() }],
});
`;

const LAB_PROFILE = `extends: my-card
name: lab-card
module: ../card/lab-card.ts
`;

const MIXED_FEATURE = `Feature: Built-in steps, our steps and our card together
  Scenario: Our card, our step and cardspec's steps
    Given the card "lab-card" is inserted
    When I send the APDU "00 20 00 01 04 \${ascii:\${env:CARD_PIN}}"
    Then the status word is "9000"
    When I send the APDU "80 CA 00 00 00"
    Then the serial number is "CARDSPEC-0001"
    When I read the file "0001"
    Then the response data is the text "Hello World!\\n"
    When I send the APDU "00 E0 00 00 00"
    Then the status word is "6F00"
    When I send the APDU "80 CA 00 00 00"
    Then the status word is "9000"
    And SHA-256 is a hash cardspec knows
`;

/**
 * A step of ours taking one of cardspec's parameter types, and seeing the run's own World
 * class (one copy of cardspec, whether the project's files load as CommonJS or ESM).
 */
const HASH_STEPS = `import { CardspecWorld, Then, parseHashName, type HashName } from 'cardspec';

Then('{hash} is a hash cardspec knows', function (this: CardspecWorld, hash: HashName) {
  if (!(this instanceof CardspecWorld)) throw new Error('the World is not the CardspecWorld of cardspec: two copies of cardspec');
  if (parseHashName(hash) !== hash) throw new Error(\`\${hash} is not a hash name\`);
});
`;

const SECRET_STEPS = `import { Then, type CardspecWorld } from 'cardspec';

Then('the vault opens with {string}', function (this: CardspecWorld, key: string) {
  const value = this.expandText(key);
  this.log(\`trying \${value}\`);
  this.attach(\`key: \${value}\`, 'text/plain');
  throw new Error(\`the vault did not open with \${value}\`);
});
`;

const SECRET_FEATURE = `Feature: A failing step of ours
  Scenario: Its error holds a secret
    Given a card is inserted
    Then SHA-256 is a hash cardspec knows
    And the vault opens with "\${env:VAULT_KEY}"
`;

describe('the packed package in a fresh project', () => {
  let dir: string;
  let project: string;
  let tarball: string;
  let sim: ChildProcess | undefined;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cardspec-package-'));
    project = join(dir, 'project');
    mkdirSync(project);
    const { stdout } = await exec('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: ROOT, env: userEnv() });
    tarball = join(dir, (JSON.parse(stdout) as { filename: string }[])[0]!.filename);
  });

  after(async () => {
    if (sim && sim.exitCode === null && sim.signalCode === null) {
      const exited = new Promise((resolve) => sim!.once('exit', resolve));
      sim.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('packs compiled JS, types, profiles and templates, and no tests or sources', async () => {
    const { stdout } = await exec('tar', ['tzf', tarball]);
    const files = stdout.split('\n').filter(Boolean);
    for (const file of ['dist/src/cli/main.js', 'dist/steps/api/index.js', 'dist/steps/api/index.d.ts', 'dist/simulator/card/module-api.d.ts', 'bin/cardspec.js', 'cucumber.js', 'simulator/profiles/iso7816-demo.yaml', 'templates/init/gitignore', 'containers/simulator/Dockerfile']) {
      assert.ok(files.includes(`package/${file}`), `${file} is in the package`);
    }
    const strays = files.filter((f) => /^package\/(test|bench|src|steps|dist\/test|dist\/bench)\//.test(f) || f.endsWith('.map'));
    assert.deepEqual(strays, []);
  });

  it('installs offline, scaffolds, runs, type-checks, and runs our feature on the three targets', { timeout: 15 * 60_000 }, async () => {
    writeFileSync(join(project, 'package.json'), JSON.stringify({
      name: 'my-card-specs',
      version: '1.0.0',
      private: true,
      // As docs/using-cardspec.md and cardspec init say.
      allowScripts: { pkcs11js: true, smartcard: true, sockopt: true, cardspec: true, esbuild: false, protobufjs: false, ssh2: false, 'cpu-features': false },
    }, null, 2));
    const install = await sh(project, 'npm', ['install', '--offline', '--no-audit', '--no-fund', '--save-dev', tarball, '@types/node@^20.19.0']);
    assert.equal(install.code, 0, install.output);

    const init = await sh(project, 'npx', ['--offline', 'cardspec', 'init']);
    assert.equal(init.code, 0, init.output);
    for (const file of ['features/example.feature', 'steps/example.steps.ts', 'profiles/my-card.yaml', 'card/my-card.ts', 'cardspec.hardware.yaml', '.github/workflows/nightly.yml', '.vscode/settings.json', '.gitignore', 'tsconfig.json']) {
      assert.ok(existsSync(join(project, file)), `init made ${file}`);
    }
    // Never overwrites.
    writeFileSync(join(project, 'features/example.feature'), readFileSync(join(project, 'features/example.feature'), 'utf8') + '\n# ours\n');
    const again = await sh(project, 'npx', ['--offline', 'cardspec', 'init']);
    assert.match(again.output, /kept {2}features\/example\.feature/);
    assert.match(readFileSync(join(project, 'features/example.feature'), 'utf8'), /# ours/);

    const first = await sh(project, 'npx', ['--offline', 'cardspec', 'run']);
    assert.equal(first.code, 0, first.output);
    assert.match(first.output, /^2 passed, 0 failed$/m);

    writeFileSync(join(project, 'card/lab-card.ts'), LAB_MODULE);
    writeFileSync(join(project, 'profiles/lab-card.yaml'), LAB_PROFILE);
    mkdirSync(join(project, 'features/mixed'));
    writeFileSync(join(project, 'features/mixed/mixed.feature'), MIXED_FEATURE);
    writeFileSync(join(project, 'steps/hash.steps.ts'), HASH_STEPS);

    const tsc = await sh(project, process.execPath, [TSC, '--noEmit', '-p', 'tsconfig.json']);
    assert.equal(tsc.code, 0, tsc.output);

    const simulator = await sh(project, 'npx', ['--offline', 'cardspec', 'run', 'features/mixed']);
    assert.equal(simulator.code, 0, simulator.output);
    assert.match(simulator.output, /^1 passed, 0 failed$/m);
    assert.match(simulator.output, /card module error in BROKEN \(INS E0\), answered 6F00: broken on purpose \(at \S*card\/lab-card\.ts:6:/);

    const container = await sh(project, 'npx', ['--offline', 'cardspec', 'run', '--target', 'container', 'features/mixed']);
    assert.equal(container.code, 0, container.output);
    assert.match(container.output, /^1 passed, 0 failed$/m);
    assert.match(container.output, /card module error in BROKEN .*\(at \S*card\/lab-card\.ts:6:/);

    // The hardware target against the card `cardspec sim` holds, with no configuration file.
    rmSync(join(project, 'cardspec.hardware.yaml'));
    // The installed command itself, not through npx, which does not pass SIGTERM on.
    sim = spawn(join(project, 'node_modules', '.bin', 'cardspec'), ['sim', '--card', 'lab-card'], { cwd: project, env: userEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    const simExited = new Promise((resolve) => sim!.once('exit', resolve));
    let simOutput = '';
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer): void => {
        simOutput += chunk.toString();
        if (/^ready$/m.test(simOutput)) resolve();
      };
      sim!.stdout!.on('data', onData);
      sim!.stderr!.on('data', (chunk: Buffer) => (simOutput += chunk.toString()));
      sim!.once('exit', (code) => reject(new Error(`cardspec sim exited with ${code} before ready: ${simOutput}`)));
    });
    const hardware = await sh(project, 'npx', ['--offline', 'cardspec', 'run', '--target', 'hardware', 'features/mixed']);
    sim.kill('SIGTERM');
    await simExited;
    assert.equal(hardware.code, 0, `${hardware.output}\ncardspec sim: ${simOutput}`);
    assert.match(hardware.output, /^1 passed, 0 failed$/m);
    // The module ran in cardspec sim's process: its error is in sim's output.
    assert.match(simOutput, /card module error in BROKEN .*\(at \S*card\/lab-card\.ts:6:/);
  });

  it('masks secrets in every report when a step of ours throws a plain Error', { timeout: 5 * 60_000 }, async () => {
    // This time the project's files are ES modules (the runs above loaded them as CommonJS).
    const pkg = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(project, 'package.json'), JSON.stringify({ ...pkg, type: 'module' }, null, 2));
    writeFileSync(join(project, 'steps/vault.steps.ts'), SECRET_STEPS);
    mkdirSync(join(project, 'features/vault'), { recursive: true });
    writeFileSync(join(project, 'features/vault/vault.feature'), SECRET_FEATURE);
    const reports = join(dir, 'reports');
    const run = await sh(
      project,
      'npx',
      [
        '--offline', 'cardspec', 'run', 'features/vault', '--',
        '--format', `json:${reports}/report.json`, '--format', `html:${reports}/report.html`,
        '--format', `junit:${reports}/junit.xml`, '--format', `message:${reports}/messages.ndjson`,
      ],
      userEnv({ VAULT_KEY: SECRET }),
    );
    assert.equal(run.code, 1, run.output);
    assert.match(run.output, /the vault did not open with \*\*\*/);
    assert.ok(!run.output.includes(SECRET), 'the console output holds the secret');
    const files = readdirSync(reports);
    assert.equal(files.length, 4);
    for (const file of files) {
      const text = readFileSync(join(reports, file), 'utf8');
      // Attachments and logs are base64 in the JSON and message reports.
      const decoded = [...text.matchAll(/"(?:data|body)":\s*"([A-Za-z0-9+/=]+)"/g)].map((m) => Buffer.from(m[1]!, 'base64').toString('utf8'));
      for (const part of [text, ...decoded]) assert.ok(!part.includes(SECRET), `${file} holds the secret`);
      assert.ok([text, ...decoded].some((part) => part.includes('***')), `${file} shows the masked value`);
    }
  });
});
