import { HarnessCodes, HarnessError } from '../../core/errors.js';

/** A command line split into options (repeatable), positionals, and what follows `--`. */
export interface ParsedArgs {
  options: Map<string, string[]>;
  flags: Set<string>;
  positionals: string[];
  passthrough: string[];
}

/**
 * A small parser for the verbs' options: `--name value` or `--name=value` for options
 * that take a value, `--flag` for the others; anything unknown is an error that names it.
 */
export function parseArgs(argv: string[], valued: readonly string[], flags: readonly string[]): ParsedArgs {
  const parsed: ParsedArgs = { options: new Map(), flags: new Set(), positionals: [], passthrough: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      parsed.passthrough = argv.slice(i + 1);
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      parsed.positionals.push(arg);
      continue;
    }
    const [name, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const key = name.replace(/^--?/, '');
    if (flags.includes(key)) {
      if (inline !== undefined) throw new HarnessError(HarnessCodes.BAD_USAGE, `option ${name} takes no value`);
      parsed.flags.add(key);
    } else if (valued.includes(key)) {
      const value = inline ?? argv[++i];
      if (value === undefined) throw new HarnessError(HarnessCodes.BAD_USAGE, `option ${name} needs a value`);
      parsed.options.set(key, [...(parsed.options.get(key) ?? []), value]);
    } else {
      const known = [...valued.map((v) => `--${v}`), ...flags.map((f) => `--${f}`)].join(', ');
      throw new HarnessError(HarnessCodes.BAD_USAGE, `unknown option ${name} (options: ${known}; cucumber's own options go after --)`);
    }
  }
  return parsed;
}

/** The last value of an option, or undefined. */
export function last(args: ParsedArgs, name: string): string | undefined {
  return args.options.get(name)?.at(-1);
}
