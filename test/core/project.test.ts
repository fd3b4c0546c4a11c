import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SCAFFOLD, scaffold, unapprovedNativeDependencies } from '../../src/cli/init.js';
import { findUserStepFiles, foreignCucumberImports, needsTypeScript } from '../../src/cli/user-steps.js';
import { packageRoot } from '../../core/paths.js';

/** A user's project folder: its step files by convention, and what `cardspec init` makes in it. */
describe('a user project', () => {
  let dir: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'cardspec-project-test-'));
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('finds step files under steps/, skipping declarations, dot files and node_modules', () => {
    const project = join(dir, 'steps-project');
    for (const file of ['steps/a.steps.ts', 'steps/sub/b.mjs', 'steps/c.js', 'steps/types.d.ts', 'steps/.hidden.ts', 'steps/node_modules/x.js', 'steps/readme.md']) {
      mkdirSync(join(project, file, '..'), { recursive: true });
      writeFileSync(join(project, file), '');
    }
    const found = findUserStepFiles(project, packageRoot(), []).map((f) => f.slice(project.length + 1));
    assert.deepEqual(found, ['steps/a.steps.ts', 'steps/c.js', 'steps/sub/b.mjs']);
    assert.ok(needsTypeScript(found));
    assert.ok(!needsTypeScript(['steps/c.js']));
    assert.deepEqual(findUserStepFiles(project, packageRoot(), ['steps/sub']).map((f) => f.slice(project.length + 1)), ['steps/sub/b.mjs']);
    assert.throws(() => findUserStepFiles(project, packageRoot(), ['nowhere']), /--steps nowhere: no such file or folder/);
    // cardspec's own checkout: its steps/ are the built-in steps, loaded compiled.
    assert.deepEqual(findUserStepFiles(packageRoot(), packageRoot(), []), []);
    assert.deepEqual(findUserStepFiles(join(dir), packageRoot(), []), []);
  });

  it('names step files that import another copy of cucumber', () => {
    const project = join(dir, 'two-cucumbers');
    const copy = join(project, 'node_modules', '@cucumber', 'cucumber');
    mkdirSync(copy, { recursive: true });
    writeFileSync(join(copy, 'package.json'), '{"name":"@cucumber/cucumber","version":"11.0.0","main":"index.js"}');
    writeFileSync(join(copy, 'index.js'), '');
    mkdirSync(join(project, 'steps'));
    writeFileSync(join(project, 'steps', 'own.steps.ts'), "import { When } from '@cucumber/cucumber';\n");
    writeFileSync(join(project, 'steps', 'good.steps.ts'), "import { When } from 'cardspec';\n");
    const files = findUserStepFiles(project, packageRoot(), []);
    assert.deepEqual(foreignCucumberImports(files, packageRoot()).map((f) => f.slice(project.length + 1)), ['steps/own.steps.ts']);
  });

  it('scaffolds every file once and never overwrites one', () => {
    const project = join(dir, 'init-project');
    mkdirSync(project);
    writeFileSync(join(project, '.gitignore'), 'dist/\n');
    const first = scaffold(project);
    assert.deepEqual(first.kept, ['.gitignore']);
    assert.equal(first.made.length, SCAFFOLD.length - 1);
    assert.equal(readFileSync(join(project, '.gitignore'), 'utf8'), 'dist/\n');
    assert.match(readFileSync(join(project, '.github/workflows/nightly.yml'), 'utf8'), /--target container/);
    assert.deepEqual(JSON.parse(readFileSync(join(project, '.vscode/settings.json'), 'utf8'))['cucumber.glue'].includes('node_modules/cardspec/dist/steps/*.js'), true);
    const second = scaffold(project);
    assert.deepEqual(second.made, []);
    assert.equal(second.kept.length, SCAFFOLD.length);
  });

  it('tells which native dependencies allowScripts does not cover yet', () => {
    const project = join(dir, 'allow-project');
    mkdirSync(project);
    assert.deepEqual(unapprovedNativeDependencies(project), ['pkcs11js', 'smartcard', 'sockopt', 'cardspec']);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ allowScripts: { 'pkcs11js@2.1.7': true, smartcard: false } }));
    assert.deepEqual(unapprovedNativeDependencies(project), ['smartcard', 'sockopt', 'cardspec']);
  });
});
