import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { HarnessCodes, HarnessError } from '../../core/errors.js';
import { packageRoot } from '../../core/paths.js';
import { parseArgs } from './args.js';

export const INIT_HELP = `Usage: cardspec init

Scaffolds a cardspec project in the current folder, never overwriting a file that is
there: an example feature, a TypeScript step file using cardspec's API, a card profile
extending iso7816-demo with a command of its own (a card module), a commented hardware
configuration, a nightly GitHub workflow on the container target, settings for the
official Cucumber extension of VS Code, a tsconfig.json and a .gitignore for reports.
Then: npx cardspec run`;

/**
 * The scaffold: template file (under templates/init of the package, the workflow under
 * templates/github) and where it goes.
 * npm leaves .gitignore files and may leave dot folders out of a package, so the
 * templates have plain names.
 */
export const SCAFFOLD: readonly { template: string; target: string }[] = [
  { template: 'features/example.feature', target: 'features/example.feature' },
  { template: 'steps/example.steps.ts', target: 'steps/example.steps.ts' },
  { template: 'profiles/my-card.yaml', target: 'profiles/my-card.yaml' },
  { template: 'card/my-card.ts', target: 'card/my-card.ts' },
  { template: 'cardspec.hardware.yaml', target: 'cardspec.hardware.yaml' },
  // The container target's nightly workflow, sharded, with merged reports (docs/container.md).
  { template: '../github/nightly.yml', target: '.github/workflows/nightly.yml' },
  { template: 'vscode/settings.json', target: '.vscode/settings.json' },
  { template: 'vscode/extensions.json', target: '.vscode/extensions.json' },
  { template: 'tsconfig.json', target: 'tsconfig.json' },
  { template: 'gitignore', target: '.gitignore' },
];

/** The dependencies whose install scripts build native code cardspec needs. */
export const NATIVE_DEPENDENCIES = ['pkcs11js', 'smartcard', 'sockopt', 'cardspec'] as const;

/** Dependencies whose install scripts cardspec does not need (they may be denied). */
export const DENIABLE_SCRIPTS = ['esbuild', 'protobufjs', 'ssh2', 'cpu-features'] as const;

/** What package.json's allowScripts lacks of the native dependencies (all of them when there is no package.json). */
export function unapprovedNativeDependencies(project: string): string[] {
  try {
    const pkg = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')) as { allowScripts?: Record<string, unknown> };
    const allowed = pkg.allowScripts ?? {};
    return NATIVE_DEPENDENCIES.filter((name) => !Object.entries(allowed).some(([key, value]) => value !== false && (key === name || key.startsWith(`${name}@`))));
  } catch {
    return [...NATIVE_DEPENDENCIES];
  }
}

/** Copies each scaffold file that is not there yet; returns the lines to print. */
export function scaffold(project: string, templates: string = join(packageRoot(), 'templates', 'init')): { made: string[]; kept: string[] } {
  const made: string[] = [];
  const kept: string[] = [];
  for (const { template, target } of SCAFFOLD) {
    const to = join(project, target);
    if (existsSync(to)) {
      kept.push(target);
      continue;
    }
    mkdirSync(dirname(to), { recursive: true });
    copyFileSync(join(templates, template), to);
    made.push(target);
  }
  return { made, kept };
}

export async function init(argv: string[]): Promise<number> {
  const args = parseArgs(argv, [], ['help']);
  if (args.flags.has('help')) {
    console.log(INIT_HELP);
    return 0;
  }
  if (args.positionals.length) throw new HarnessError(HarnessCodes.BAD_USAGE, `unexpected argument "${args.positionals[0]}" (init works in the current folder)`);
  const project = process.cwd();
  const { made, kept } = scaffold(project);
  for (const file of made) console.log(`made  ${file}`);
  for (const file of kept) console.log(`kept  ${file} (it was there: not overwritten)`);
  if (kept.includes('.gitignore') && !/^\/?reports\/?$/m.test(readFileSync(join(project, '.gitignore'), 'utf8'))) {
    console.log('      add "reports/" to .gitignore: the reports of -p ci go there');
  }
  const unapproved = unapprovedNativeDependencies(project);
  if (unapproved.length > 0) {
    console.log(`
cardspec needs the install scripts of ${NATIVE_DEPENDENCIES.join(', ')}: they build its PC/SC,
PKCS#11 and socket bindings (cardspec's own: the blocking PC/SC transmit of the simulator). npm lists them as "not yet covered by allowScripts", and a
stricter npm will skip them. Allow exactly those:

  npm approve-scripts ${unapproved.join(' ')}

or write into package.json (the others listed are not needed: esbuild and protobufjs
check versions, ssh2 and cpu-features speed up SSH, which cardspec does not use):

  "allowScripts": {
    ${[...NATIVE_DEPENDENCIES.map((n) => `"${n}": true`), ...DENIABLE_SCRIPTS.map((n) => `"${n}": false`)].join(',\n    ')}
  }`);
  }
  console.log(`
Next: npx cardspec run                 (the example feature on the simulator)
      npx cardspec run --target container
      npx cardspec run --target hardware (one reader with a card; PINs from CARD_PIN, TOKEN_PIN)`);
  return 0;
}
