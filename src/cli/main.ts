import { codedMessage } from '../quiet-errors.js';
import { card, CARD_HELP } from './card.js';
import { importScript, IMPORT_HELP } from './import.js';
import { init, INIT_HELP } from './init.js';
import { mergeReports, MERGE_REPORTS_HELP } from './merge-reports.js';
import { readers, READERS_HELP } from './readers.js';
import { run, RUN_HELP } from './run.js';
import { shell, SHELL_HELP } from './shell.js';
import { sim, SIM_HELP } from './sim.js';

const HELP = `Usage: cardspec <command> [options]

Commands:
  run       run feature files on a target (simulator, container, hardware)
  sim       start the simulator and keep it running for any PC/SC or PKCS#11 client
  readers   list the readers, their cards and what the ATRs say
  shell     talk to a card by hand, and record the session as a feature
  import    turn a scriptor script into a feature
  merge-reports  merge the reports of sharded runs into one JUnit, HTML and message report
  card           make a card of a running \`cardspec sim\` misbehave (delay, answer, mute, remove, insert)
  init      scaffold a cardspec project in the current folder (never overwrites)

Each command has --help.

${RUN_HELP}

${SIM_HELP}

${READERS_HELP}

${SHELL_HELP}

${IMPORT_HELP}

${MERGE_REPORTS_HELP}

${CARD_HELP}

${INIT_HELP}`;

const COMMANDS: Record<string, (argv: string[]) => Promise<number>> = { run, sim, readers, shell, import: importScript, 'merge-reports': mergeReports, card, init };

/** The CLI: returns the exit code; errors are printed with their code, never thrown out. */
export async function main(argv: string[]): Promise<number> {
  const [verb, ...rest] = argv;
  if (verb === undefined || verb === '--help' || verb === '-h' || verb === 'help') {
    console.log(HELP);
    return verb === undefined ? 2 : 0;
  }
  const command = COMMANDS[verb];
  if (!command) {
    console.error(`cardspec: unknown command "${verb}" (commands: ${Object.keys(COMMANDS).join(', ')})`);
    return 2;
  }
  try {
    return await command(rest);
  } catch (error) {
    console.error(`cardspec ${verb}: ${codedMessage(error)}`);
    return 1;
  }
}
