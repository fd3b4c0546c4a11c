/**
 * Card modules: a user project's own commands and applets for the virtual card. A profile
 * names one (`module: ./my-card.ts`); the harness bundles it into one ES module on the host
 * (src/targets/user-module.ts) and hands the code over, to this process or to the
 * simulator container, where it is installed into the profile through the card OS's
 * extension point (applet.ts) before the first card of the profile is made.
 *
 * What a module does wrong never takes the reader down: an exception in a handler answers
 * 6F00 like any other, and is printed on stderr with the module's file and line.
 */
import { createHash } from 'node:crypto';
import { SourceMap } from 'node:module';
import { hexByte } from '../../core/apdu/hex.js';
import type { CardProfile } from '../../core/profile/types.js';
import type { Applet, CardCommand } from './applet.js';
import { registerAppletType, registerExtensionType } from './applet.js';
import type { CardContext, Reply } from './context.js';
import { EMPTY } from './context.js';
import { StatusWordError } from './sw.js';

/** What a card module exports (as its default export, or as named exports). */
export interface CardModule {
  /** Extra instructions of the card, beside SELECT, READ BINARY, VERIFY... */
  commands?: CardCommand[];
  /** Makers of applets selected by AID: called once per card, so each card has its own state. */
  applets?: (() => Applet)[];
}

interface InstalledModule {
  commandsType: string | undefined;
  appletTypes: string[];
}

/** Modules installed in this process, by a hash of their code (one registration each). */
const installed = new Map<string, Promise<InstalledModule>>();
const prepared = new WeakSet<CardProfile>();

/**
 * Adds the commands and applets of `code` (the bundled module the profile names) to the
 * profile. A module that does not load, or exports something else than a CardModule, is a
 * profile error at the `module:` field.
 */
export async function installUserModule(profile: CardProfile, code: string): Promise<void> {
  const field = profile.module;
  if (field === undefined || prepared.has(profile)) return;
  const key = createHash('sha256').update(code).digest('hex').slice(0, 16);
  let entry = installed.get(key);
  if (entry === undefined) {
    entry = register(code, key, field.file);
    installed.set(key, entry);
  }
  let types: InstalledModule;
  try {
    types = await entry;
  } catch (error) {
    installed.delete(key);
    return field.cursor.fail('a card module that loads', (error as Error).message);
  }
  if (prepared.has(profile)) return;
  prepared.add(profile);
  for (const type of types.appletTypes) profile.applets.push({ type, typeCursor: field.cursor, entry: field.cursor });
  if (types.commandsType) profile.extensions.push({ type: types.commandsType, typeCursor: field.cursor, entry: field.cursor });
}

async function register(code: string, key: string, file: string): Promise<InstalledModule> {
  const locate = locator(code, file);
  let exports: Record<string, unknown>;
  try {
    exports = (await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`)) as Record<string, unknown>;
  } catch (error) {
    throw new Error(`${(error as Error).message} (${locate(error)})`, { cause: error });
  }
  const module = (isRecord(exports.default) ? exports.default : exports) as Record<string, unknown>;
  const commands = list(module.commands, 'commands').map((command, index) => checkCommand(command, index, locate));
  const makers = list(module.applets, 'applets').map((maker, index) => {
    if (typeof maker !== 'function') throw new Error(`applets[${index}] is not a function that makes an applet (one per card)`);
    return maker as () => Applet;
  });
  if (commands.length === 0 && makers.length === 0) throw new Error('the module exports no commands and no applets');
  const commandsType = commands.length ? `module-${key}-commands` : undefined;
  if (commandsType) registerExtensionType({ type: commandsType, prepare: () => commands });
  const appletTypes = makers.map((make, index) => {
    const type = `module-${key}-applet-${index}`;
    registerAppletType({ type, prepare: () => () => guardApplet(make(), locate) });
    return type;
  });
  return { commandsType, appletTypes };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function list(value: unknown, name: string): unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new Error(`"${name}" must be a list`);
  return value;
}

function checkCommand(value: unknown, index: number, locate: Locator): CardCommand {
  const where = `commands[${index}]`;
  if (!isRecord(value)) throw new Error(`${where} is not an object with ins, name and handler`);
  const { ins, name, handler, proprietaryClass } = value;
  if (typeof ins !== 'number' || !Number.isInteger(ins) || ins < 0 || ins > 0xff) throw new Error(`${where}.ins must be a byte (0x00 to 0xFF), not ${String(ins)}`);
  if (typeof name !== 'string' || name === '') throw new Error(`${where}.name must be a text such as "GET SERIAL"`);
  if (typeof handler !== 'function') throw new Error(`${where}.handler must be a function (command, card) => { data, sw }`);
  const run = handler as (cmd: Parameters<CardCommand['handler']>[0], ctx: CardContext) => unknown;
  return { ins, name, proprietaryClass: proprietaryClass === true, handler: (cmd, ctx) => reply(() => run(cmd, ctx), `${name} (INS ${hexByte(ins)})`, locate) };
}

/** An applet whose every call answers 6F00 (and says where) when the module throws. */
function guardApplet(applet: Applet, locate: Locator): Applet {
  if (!isRecord(applet) || !Buffer.isBuffer(applet.aid) || typeof applet.select !== 'function' || typeof applet.process !== 'function') {
    throw new Error('an applet maker must return an object with name, aid (a Buffer), select and process');
  }
  const name = applet.name ?? 'applet';
  return {
    name,
    aid: applet.aid,
    ...(applet.chaining !== undefined ? { chaining: applet.chaining } : {}),
    ...(applet.proprietaryClass !== undefined ? { proprietaryClass: applet.proprietaryClass } : {}),
    select: (cmd, ctx) => reply(() => applet.select(cmd, ctx), `${name}.select`, locate),
    // undefined from process: the command goes on to the card's own instructions.
    process: (cmd, ctx) => reply(() => applet.process(cmd, ctx), `${name}.process`, locate, true),
    reset: () => {
      try {
        applet.reset?.();
      } catch (error) {
        report(error, `${name}.reset`, locate);
      }
    },
  };
}

/**
 * Runs a module's handler: a thrown status word (`fail(SW...)` of cardspec/card, or any
 * error with a numeric `sw`) is the answer; anything else is reported and answers 6F00.
 * With `passes`, a handler that returns undefined passes the command on (undefined).
 */
function reply(run: () => unknown, what: string, locate: Locator): Reply;
function reply(run: () => unknown, what: string, locate: Locator, passes: true): Reply | undefined;
function reply(run: () => unknown, what: string, locate: Locator, passes = false): Reply | undefined {
  const reject: (error: unknown) => never = (error) => {
    report(error, what, locate);
    throw error;
  };
  let result: unknown;
  try {
    result = run();
  } catch (error) {
    const sw = (error as { sw?: unknown } | null)?.sw;
    if (typeof sw === 'number' && Number.isInteger(sw) && sw >= 0 && sw <= 0xffff) throw new StatusWordError(sw, (error as Error).message);
    reject(error);
  }
  if (result === undefined && passes) return undefined;
  if (!isRecord(result) || typeof result.sw !== 'number' || !Number.isInteger(result.sw) || result.sw < 0 || result.sw > 0xffff) {
    reject(new Error(`${what} returned ${JSON.stringify(result)}, not { data, sw } with a status word 0x0000 to 0xFFFF`));
  }
  const data = result.data === undefined ? EMPTY : Buffer.isBuffer(result.data) || result.data instanceof Uint8Array ? Buffer.from(result.data) : undefined;
  if (data === undefined) reject(new Error(`${what} returned data that is not a Buffer`));
  return { data, sw: result.sw };
}

function report(error: unknown, what: string, locate: Locator): void {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`cardspec: card module error in ${what}, answered 6F00: ${message} (at ${locate(error)})`);
}

/** Where an error was thrown, as the module's own file:line:column. */
type Locator = (error: unknown) => string;

/**
 * The bundle's inline source map takes a frame of the loaded code back to the module's
 * source file (the bundle is loaded from a data: URL, which node's own source-map
 * support does not follow).
 */
function locator(code: string, file: string): Locator {
  const inline = /\/\/# sourceMappingURL=data:application\/json;base64,([A-Za-z0-9+/=]+)\s*$/.exec(code);
  let map: SourceMap | undefined;
  try {
    if (inline) map = new SourceMap(JSON.parse(Buffer.from(inline[1]!, 'base64').toString('utf8')));
  } catch {
    map = undefined;
  }
  return (error) => {
    const stack = error instanceof Error ? (error.stack ?? '') : '';
    const frame = /data:text\/javascript;base64,[A-Za-z0-9+/=]+:(\d+):(\d+)/.exec(stack);
    if (!frame) return file;
    const line = Number(frame[1]);
    const column = Number(frame[2]);
    const entry = map?.findEntry(line - 1, column - 1) as { originalSource?: string; originalLine?: number; originalColumn?: number } | undefined;
    if (!entry?.originalSource) return `${file} (bundled line ${line})`;
    return `${entry.originalSource.replace(/^file:\/\//, '')}:${entry.originalLine! + 1}:${entry.originalColumn! + 1}`;
  };
}
