/**
 * The words of `cardspec shell` and `cardspec import` in English: the source catalog.
 * Every other language's catalog has the same keys (a unit test checks it).
 */
export interface Messages {
  prompt: string;
  promptRecording: string;
  help: string;
  /** One line per command that takes arguments, shown when they are wrong. */
  usage: Record<'atr' | 'reset' | 'cold' | 'readers' | 'reader' | 'select' | 'verify' | 'run' | 'record' | 'stop' | 'auto' | 'help' | 'quit' | 'exit', string>;
  connected: (target: string, reader: string, protocol: string) => string;
  atrLine: (atr: string) => string;
  resetDone: (atr: string) => string;
  coldDone: (atr: string) => string;
  noReaders: string;
  noCard: string;
  readerChosen: (reader: string) => string;
  noSuchReader: (index: number, count: number) => string;
  autoState: (on: boolean) => string;
  badSelect: (id: string) => string;
  recordStarted: (file: string) => string;
  recordWritten: (file: string, exchanges: number) => string;
  runItWith: (command: string) => string;
  alreadyRecording: (file: string) => string;
  notRecording: string;
  fileExists: (file: string) => string;
  recordOtherReader: (reader: string) => string;
  unknownCommand: (word: string) => string;
  error: (message: string) => string;
  interrupted: string;
  scriptStopped: (file: string, line: number) => string;
  skeletonWritten: (file: string, exchanges: number) => string;
  milliseconds: (ms: number) => string;
  readingStdin: string;
  /** Ctrl-C on an empty line leaves the shell: said once, the first time Ctrl-C clears a line. */
  ctrlCHint: string;
}

export const en: Messages = {
  prompt: 'cardspec> ',
  promptRecording: 'cardspec (recording)> ',
  help: `A line of hex is sent as an APDU: "00 A4 00 0C 02 3F 00", "00A4000C023F00" or
"00:A4:00:0C:02:3F:00", with \${env:NAME} and \${ascii:TEXT} as in features. The answer
shows the data in hex and ASCII, the status word, its meaning and the time; the GET
RESPONSE (61xx) and re-sent (6Cxx) exchanges cardspec made are listed above it.

  atr              the card's ATR, decoded
  reset            warm reset of the card
  cold             power the card off and on (cold reset)
  readers          list the readers (* marks the one in use)
  reader N         use reader N of that list
  select ID        SELECT by file id (2 bytes, e.g. 3F00) or by DF name (an AID)
  verify N [PIN]   VERIFY the PIN with reference N (hex) with PIN as text, or
                   \${env:NAME}; without PIN: ask how many tries are left
  run FILE         run a scriptor script (hex lines, reset, # comments)
  record FILE      write every exchange from now on into FILE, a feature for
                   cardspec run (the PIN as \${env:CARD_PIN}); the card is reset first
  stop             stop recording and write the feature
  auto on|off      automatic GET RESPONSE on 61xx and re-send on 6Cxx
  help             this help
  quit             leave the shell (also exit, Ctrl-D, or Ctrl-C on an empty line)

A line that starts with # is a comment; while recording it goes into the feature.
Tab completes commands and file names; the history keeps no PIN.`,
  usage: {
    atr: 'usage: atr',
    reset: 'usage: reset',
    cold: 'usage: cold',
    readers: 'usage: readers',
    reader: 'usage: reader N   (N from the list of "readers")',
    select: 'usage: select ID   (a file id of 2 bytes, e.g. 3F00, or an AID)',
    verify: 'usage: verify N [PIN]   (N: the PIN reference in hex, e.g. 1 or 81)',
    run: 'usage: run FILE   (a scriptor script)',
    record: 'usage: record FILE   (the feature to write)',
    stop: 'usage: stop',
    auto: 'usage: auto on|off',
    help: 'usage: help',
    quit: 'usage: quit',
    exit: 'usage: exit',
  },
  connected: (target, reader, protocol) => `cardspec shell on the ${target} target: reader "${reader}", ${protocol}. Type help for the commands.`,
  atrLine: (atr) => `ATR ${atr}`,
  resetDone: (atr) => `card reset; ATR ${atr}`,
  coldDone: (atr) => `card powered off and on; ATR ${atr}`,
  noReaders: 'no readers',
  noCard: 'no card',
  readerChosen: (reader) => `now using reader "${reader}"`,
  noSuchReader: (index, count) => `there is no reader ${index}: ${count} reader(s), numbered from 0 (see readers)`,
  autoState: (on) => `automatic GET RESPONSE is ${on ? 'on' : 'off'}`,
  badSelect: (id) => `"${id}" is neither a file id (2 bytes) nor an AID (1 to 16 bytes)`,
  recordStarted: (file) => `recording into ${file}; the card was reset, as a run starts (on the simulator: a fresh card)`,
  recordWritten: (file, exchanges) => `${file} written: ${exchanges} exchange(s)`,
  runItWith: (command) => `run it with: ${command}`,
  alreadyRecording: (file) => `already recording into ${file}: stop first`,
  notRecording: 'not recording',
  fileExists: (file) => `${file} exists already: give another name or remove it`,
  recordOtherReader: (reader) => `recording goes on the target's own reader "${reader}"`,
  unknownCommand: (word) => `unknown command "${word}": type help for the commands`,
  error: (message) => `error: ${message}`,
  interrupted: 'interrupted',
  scriptStopped: (file, line) => `${file} stopped at line ${line}`,
  skeletonWritten: (file, exchanges) => `${file} written: ${exchanges} exchange(s); write the expectations where the # lines are`,
  milliseconds: (ms) => `${ms.toFixed(2)} ms`,
  readingStdin: 'reading commands from the standard input',
  ctrlCHint: '(Ctrl-C on an empty line, Ctrl-D or quit leaves the shell)',
};
