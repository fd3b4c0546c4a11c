/**
 * What a line typed in `cardspec shell` asks for. Pure code: the session carries it out.
 * A line whose first word is a command is that command; a line whose first word is hex
 * (digits, A-F, colons) or holds a `${...}` form is an APDU, checked by the hex parser.
 */

export type ShellCommand =
  | { kind: 'empty' }
  | { kind: 'comment'; text: string }
  | { kind: 'apdu'; text: string }
  | { kind: 'atr' }
  | { kind: 'reset' }
  | { kind: 'cold' }
  | { kind: 'readers' }
  | { kind: 'reader'; index: number }
  | { kind: 'select'; id: string }
  | { kind: 'verify'; reference: number; pin: string | undefined }
  | { kind: 'run'; file: string }
  | { kind: 'record'; file: string }
  | { kind: 'stop' }
  | { kind: 'auto'; on: boolean }
  | { kind: 'help' }
  | { kind: 'quit' }
  /** A known command with the wrong arguments: the session prints its usage line. */
  | { kind: 'usage'; command: CommandName }
  | { kind: 'unknown'; word: string };

export const COMMAND_NAMES = ['atr', 'reset', 'cold', 'readers', 'reader', 'select', 'verify', 'run', 'record', 'stop', 'auto', 'help', 'quit', 'exit'] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

function isCommandName(word: string): word is CommandName {
  return (COMMAND_NAMES as readonly string[]).includes(word);
}

/** A PIN reference as written after `verify`: hex, one byte (1, 01, 81). */
function parseReference(text: string): number | undefined {
  return /^[0-9A-Fa-f]{1,2}$/.test(text) ? parseInt(text, 16) : undefined;
}

export function parseShellLine(line: string): ShellCommand {
  const trimmed = line.trim();
  if (trimmed === '') return { kind: 'empty' };
  if (trimmed.startsWith('#')) return { kind: 'comment', text: trimmed.slice(1).trim() };
  const [first = '', ...args] = trimmed.split(/\s+/);
  const word = first.toLowerCase();
  if (!isCommandName(word)) {
    // A first word of hex digits and colons, or with a ${...} form, starts an APDU.
    return /^[0-9A-Fa-f:]+$/.test(first) || first.includes('${') ? { kind: 'apdu', text: trimmed } : { kind: 'unknown', word: first };
  }
  const usage = { kind: 'usage', command: word } as const;
  const rest = trimmed.slice(first.length).trim();
  switch (word) {
    case 'atr':
    case 'reset':
    case 'cold':
    case 'readers':
    case 'stop':
    case 'help':
      return args.length === 0 ? { kind: word } : usage;
    case 'quit':
    case 'exit':
      return args.length === 0 ? { kind: 'quit' } : usage;
    case 'reader':
      return args.length === 1 && /^\d+$/.test(args[0]!) ? { kind: 'reader', index: Number(args[0]) } : usage;
    case 'select':
      return rest ? { kind: 'select', id: rest } : usage;
    case 'verify': {
      const reference = parseReference(args[0] ?? '');
      if (reference === undefined || args.length > 2) return usage;
      return { kind: 'verify', reference, pin: args[1] };
    }
    case 'run':
    case 'record':
      return rest ? { kind: word, file: rest } : usage;
    case 'auto': {
      const state = args.length === 1 ? args[0]!.toLowerCase() : '';
      return state === 'on' || state === 'off' ? { kind: 'auto', on: state === 'on' } : usage;
    }
  }
}

/**
 * Tab completion: command names for the first word, on/off after `auto`, file names after
 * `run` and `record` (from `files`, given the typed prefix). Returns readline's pair.
 */
export function completeLine(line: string, files: (prefix: string) => string[]): [string[], string] {
  const match = /^(\s*)(\S*)$/.exec(line);
  if (match) {
    const typed = match[2]!.toLowerCase();
    const hits = COMMAND_NAMES.filter((c) => c.startsWith(typed));
    return [hits.map((c) => `${c} `), match[2]!];
  }
  const [, command = '', argument = ''] = /^\s*(\S+)\s+(.*)$/.exec(line) ?? [];
  switch (command.toLowerCase()) {
    case 'auto':
      return [['on', 'off'].filter((s) => s.startsWith(argument)), argument];
    case 'run':
    case 'record':
      return [files(argument), argument];
    default:
      return [[], argument];
  }
}
