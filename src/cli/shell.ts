import { readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { endsItselfOnSignals } from '../cleanup.js';
import { HarnessCodes, HarnessError } from '../../core/errors.js';
import { catalogFor, type Catalog } from '../i18n/catalog.js';
import { isTargetName } from '../targets/create.js';
import type { TargetName } from '../targets/target.js';
import { appendHistory, historyFile, HISTORY_LINES, loadHistory, maskTypedLine } from '../shell/history.js';
import { completeLine } from '../shell/line.js';
import { ShellSession, type Outcome } from '../shell/session.js';
import { last, parseArgs, type ParsedArgs } from './args.js';

export const SHELL_HELP = `Usage: cardspec shell [--target simulator|container|hardware] [--card PROFILE] [--reader R] [--config FILE]

Talks to a card by hand: a line of hex is sent as an APDU and the answer is shown with
its data in hex and ASCII, the status word and its meaning; "help" lists the commands
(atr, reset, select, verify, run a scriptor script, record a feature...). On the
simulator (default) the card is made from --card (default iso7816-demo) in vpcd reader
--reader (0 or 1); on hardware --reader picks the reader (name, /pattern/ or index) and
the PIN guard of runs applies. With a pipe it works like scriptor:
  echo '00 A4 00 0C 02 3F 00' | cardspec shell
prints each exchange and exits 0, or 1 when a command failed. Messages follow the locale
(LC_ALL, LC_MESSAGES, LANG): English or French.`;

/** File names for completion after `run` and `record`: the typed folder's entries that start with the typed name. */
function completeFiles(prefix: string): string[] {
  const folder = prefix.endsWith('/') ? prefix : dirname(prefix);
  const start = prefix.endsWith('/') ? '' : basename(prefix);
  try {
    return readdirSync(folder === '' ? '.' : folder)
      .filter((name) => name.startsWith(start) && !name.startsWith('.'))
      .map((name) => {
        const path = folder === '.' && !prefix.startsWith('./') ? name : join(folder, name);
        return statSync(path).isDirectory() ? `${path}/` : path;
      });
  } catch {
    return [];
  }
}

/** Ends the input loop of the mode in use, so that the session closes in order (on a signal). */
let stopInput: () => void = () => process.stdin.destroy();

/** Pipe mode: every line in order, echoed as scriptor does; 1 when any failed. */
async function runPipe(session: ShellSession, catalog: Catalog): Promise<number> {
  console.error(catalog.messages.readingStdin);
  const lines = createInterface({ input: process.stdin, terminal: false });
  stopInput = () => lines.close();
  let failed = false;
  for await (const line of lines) {
    if (line.trim() !== '' && !line.trim().startsWith('#')) console.log(`> ${maskTypedLine(line.trim(), session.secrets)}`);
    const outcome = await session.execute(line);
    if (outcome === 'failed') failed = true;
    if (outcome === 'quit') break;
  }
  lines.close();
  return failed ? 1 : 0;
}

/**
 * Interactive mode: readline with completion and a history file that keeps no PIN.
 * Ctrl-C clears a line being typed, stops a running script, and leaves the shell on an
 * empty line; Ctrl-D leaves too.
 */
async function runInteractive(session: ShellSession, catalog: Catalog): Promise<number> {
  const m = catalog.messages;
  const file = historyFile();
  const rl: Interface = createInterface({
    input: process.stdin,
    output: process.stdout,
    terminal: true,
    history: loadHistory(file),
    historySize: HISTORY_LINES,
    removeHistoryDuplicates: true,
    completer: (line: string) => completeLine(line, completeFiles),
  });
  stopInput = () => rl.close();
  // readline keeps the line as typed in memory: the masked form replaces it there and in the file.
  rl.on('history', (history: string[]) => {
    if (history[0] === undefined) return;
    history[0] = maskTypedLine(history[0].trim(), session.secrets);
    try {
      appendHistory(file, history[0]);
    } catch (error) {
      console.error(m.error(`history ${file}: ${(error as Error).message}`));
    }
  });
  const prompt = (): void => {
    rl.setPrompt(session.isRecording ? m.promptRecording : m.prompt);
    rl.prompt();
  };
  let busy = false;
  let hinted = false;
  return new Promise<number>((resolve) => {
    const queue: string[] = [];
    let closed = false;
    /** The lines typed so far, carried out one after the other; settles when the queue is empty. */
    let work: Promise<void> = Promise.resolve();
    const drain = async (): Promise<void> => {
      busy = true;
      while (queue.length > 0) {
        const outcome: Outcome = await session.execute(queue.shift()!);
        if (outcome === 'quit') {
          queue.length = 0;
          rl.close();
        }
      }
      busy = false;
      if (!closed) prompt();
    };
    rl.on('line', (line) => {
      queue.push(line);
      if (!busy) work = drain();
    });
    rl.on('SIGINT', () => {
      if (busy) {
        session.interrupt();
        return;
      }
      if (rl.line.length > 0) {
        // Clear what was typed, as a shell does, and give a fresh prompt.
        rl.write(null, { ctrl: true, name: 'e' });
        rl.write(null, { ctrl: true, name: 'u' });
        process.stdout.write('^C\n');
        if (!hinted) console.log(m.ctrlCHint);
        hinted = true;
        prompt();
        return;
      }
      process.stdout.write('\n');
      rl.close();
    });
    rl.once('close', () => {
      closed = true;
      // A command still running finishes first (its card exchange cannot be cut).
      void work.then(() => resolve(0));
    });
    prompt();
  });
}

/** A shell session on the target the command line names, printing to stdout and stderr (cardspec shell and import). */
export function openSession(args: ParsedArgs, target: TargetName, catalog: Catalog): Promise<ShellSession> {
  return ShellSession.open({
    target,
    card: last(args, 'card'),
    reader: last(args, 'reader'),
    config: last(args, 'config'),
    catalog,
    out: (line) => console.log(line),
    err: (line) => console.error(line),
  });
}

export async function shell(argv: string[]): Promise<number> {
  const args = parseArgs(argv, ['target', 'card', 'reader', 'config'], ['help']);
  if (args.flags.has('help')) {
    console.log(SHELL_HELP);
    return 0;
  }
  if (args.positionals.length) throw new HarnessError(HarnessCodes.BAD_USAGE, `unexpected argument "${args.positionals[0]}" (scripts: cardspec shell < FILE, or "run FILE" in the shell)`);
  const target = last(args, 'target') ?? 'simulator';
  if (!isTargetName(target)) throw new HarnessError(HarnessCodes.BAD_USAGE, `unknown target "${target}": use simulator, container or hardware`);
  const catalog = catalogFor();
  const interactive = Boolean(process.stdin.isTTY && process.stdout.isTTY);
  // This command ends itself on signals, after the card is out and the reader free.
  endsItselfOnSignals();
  let signalled: NodeJS.Signals | undefined;
  const session = await openSession(args, target, catalog);
  const stopOnSignal = (signal: NodeJS.Signals): void => {
    signalled = signal;
    session.interrupt();
    stopInput();
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, stopOnSignal);
  let code: number;
  try {
    console.error(catalog.messages.connected(target, session.readerName, session.protocol));
    code = interactive ? await runInteractive(session, catalog) : await runPipe(session, catalog);
  } finally {
    await session.close();
  }
  if (signalled) return signalled === 'SIGINT' ? 130 : signalled === 'SIGTERM' ? 143 : 129;
  return code;
}
