import { parseArgs as parseNodeArgs } from 'node:util';
import { HarnessCodes, HarnessError } from '../../core/errors.js';

/** A command line split into options (repeatable), positionals, and what follows `--`. */
export interface ParsedArgs {
  options: Map<string, string[]>;
  flags: Set<string>;
  positionals: string[];
  passthrough: string[];
}

/** The option a node:util parseArgs error names, as written on the command line. */
function optionNamed(err: Error): string {
  return /'(--?[^' <]+)/.exec(err.message)?.[1] ?? '';
}

/**
 * The verbs' options through node's parseArgs: `--name value` or `--name=value` for
 * options that take a value (repeatable), `--flag` for the others, and everything after
 * `--` handed on (to cucumber) untouched. Mistakes become usage errors in our words.
 */
export function parseArgs(argv: string[], valued: readonly string[], flags: readonly string[]): ParsedArgs {
  const end = argv.indexOf('--');
  const own = end < 0 ? argv : argv.slice(0, end);
  const options = Object.fromEntries([
    ...valued.map((name) => [name, { type: 'string', multiple: true }] as const),
    ...flags.map((name) => [name, { type: 'boolean' }] as const),
  ]);
  let parsed: ReturnType<typeof parseNodeArgs>;
  try {
    parsed = parseNodeArgs({ args: own, options, allowPositionals: true, strict: true });
  } catch (err) {
    const code = (err as { code?: string }).code;
    const name = optionNamed(err as Error);
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const known = [...valued, ...flags].map((o) => `--${o}`).join(', ');
      throw new HarnessError(HarnessCodes.BAD_USAGE, `unknown option ${name} (options: ${known}; cucumber's own options go after --)`);
    }
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      const what = flags.includes(name.replace(/^--?/, '')) ? 'takes no value' : 'needs a value';
      throw new HarnessError(HarnessCodes.BAD_USAGE, `option ${name} ${what}`);
    }
    throw err;
  }
  const result: ParsedArgs = { options: new Map(), flags: new Set(), positionals: parsed.positionals, passthrough: end < 0 ? [] : argv.slice(end + 1) };
  for (const [name, value] of Object.entries(parsed.values)) {
    if (Array.isArray(value)) result.options.set(name, value.map(String));
    else if (value === true) result.flags.add(name);
  }
  return result;
}

/** The last value of an option, or undefined. */
export function last(args: ParsedArgs, name: string): string | undefined {
  return args.options.get(name)?.at(-1);
}
