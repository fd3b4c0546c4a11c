import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import { parseHex } from '../../core/apdu/hex.js';
import { HarnessCodes, HarnessError } from '../../core/errors.js';
import { expand } from '../text/expand.js';
import { catalogFor } from '../i18n/catalog.js';
import { isTargetName } from '../targets/create.js';
import { PIN_VARIABLE, renderFeature, type RecordedEvent } from '../shell/recorder.js';
import { parseScript, type ScriptItem } from '../shell/scriptor.js';
import { last, parseArgs } from './args.js';
import { openSession } from './shell.js';

export const IMPORT_HELP = `Usage: cardspec import SCRIPT [--output FILE] [--no-run] [--target simulator|container|hardware] [--card PROFILE] [--reader R] [--config FILE]

Turns a scriptor/gscriptor script (hex lines, reset, # comments) into a feature. The
script is run on the target and each answer becomes the expectation, as "record" does in
cardspec shell (the PIN written as \${env:${PIN_VARIABLE}}); with --no-run the feature is a
skeleton whose expectations are left for you to write. The feature goes to --output
(default: the script's name with .feature), never over an existing file.`;

function skeletonEvents(items: readonly ScriptItem[]): RecordedEvent[] {
  return items.map((item): RecordedEvent => {
    if (item.kind === 'comment') return { kind: 'comment', text: item.text };
    if (item.kind === 'reset') return { kind: 'reset' };
    // A line naming the environment is written as typed (commandText), its values unknown here;
    // any other is expanded and parsed as a feature's would be.
    const command = item.hex.includes('${env:') ? Buffer.alloc(0) : parseHex(expand(item.hex, { saved: new Map(), env: {} }).text);
    return { kind: 'apdu', typed: item.hex, command };
  });
}

export async function importScript(argv: string[]): Promise<number> {
  const args = parseArgs(argv, ['output', 'target', 'card', 'reader', 'config'], ['no-run', 'help']);
  if (args.flags.has('help')) {
    console.log(IMPORT_HELP);
    return 0;
  }
  if (args.positionals.length !== 1) throw new HarnessError(HarnessCodes.BAD_USAGE, 'give one script: cardspec import SCRIPT');
  const script = args.positionals[0]!;
  const target = last(args, 'target') ?? 'simulator';
  if (!isTargetName(target)) throw new HarnessError(HarnessCodes.BAD_USAGE, `unknown target "${target}": use simulator, container or hardware`);
  const output = resolve(last(args, 'output') ?? `${script.slice(0, script.length - extname(script).length) || script}.feature`);
  if (existsSync(output)) throw new HarnessError(HarnessCodes.BAD_USAGE, `${output} exists already: give --output another name or remove it`);
  let text: string;
  try {
    text = readFileSync(script, 'utf8');
  } catch (error) {
    throw new HarnessError(HarnessCodes.BAD_USAGE, `cannot read the script ${script}: ${(error as Error).message}`, { cause: error });
  }
  // The whole script is checked before anything reaches a card.
  const items = parseScript(text, script);
  const catalog = catalogFor();
  const name = basename(output, '.feature');
  const header = {
    feature: name,
    scenario: `${basename(script)}, as scriptor runs it`,
    profile: last(args, 'card'),
    notes: [] as string[],
  };
  const exchanges = items.filter((i) => i.kind === 'apdu').length;

  if (args.flags.has('no-run')) {
    header.notes.push(`Imported by cardspec import from ${basename(script)}, not run: write the expectations (the # Then lines).`);
    writeFileSync(output, renderFeature({ ...header, pinFromEnv: process.env[PIN_VARIABLE] || undefined }, skeletonEvents(items)));
    console.log(catalog.messages.skeletonWritten(output, exchanges));
    return 0;
  }

  const session = await openSession(args, target, catalog);
  let outcome;
  try {
    outcome = await session.startRecording(output, {
      ...header,
      notes: [`Imported by cardspec import from ${basename(script)}, run on the ${target} target on ${new Date().toISOString().slice(0, 10)}: the expectations are the card's answers.`],
    });
    if (outcome === 'ok') outcome = await session.runItems(items, script);
  } finally {
    await session.close();
  }
  return outcome === 'ok' ? 0 : 1;
}
