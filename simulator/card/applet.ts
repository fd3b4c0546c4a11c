/**
 * The card OS's extension point: applets (selected by AID, like a PIV or a payment
 * application) and extra instructions added to the dispatch table. A profile names them
 * (`applets:` and `extensions:`, each entry with a `type:`); a registered type turns its
 * entry into fresh applets, one set per card. docs/applets.md is the developer's guide.
 *
 * What the OS does for an applet, so that the applet does not have to:
 *  - SELECT by DF name (P1 04) with its AID or a right-truncated form of it (at least
 *    the 5-byte RID) selects it and calls `select`;
 *  - while it is selected, every command goes to `process` first; `undefined` hands the
 *    command on to the ISO 7816-4 commands (GET RESPONSE, SELECT of files, ...);
 *  - command chaining (CLA 10) is reassembled into one command when `chaining` is set;
 *  - long answers go out in 61xx pieces (T=1) or behind 61xx (T=0), as for any command;
 *  - a StatusWordError thrown anywhere becomes the status word; any other exception 6F00.
 */
import type { CommandApdu } from '../../core/apdu/apdu.js';
import type { Cursor } from '../../core/profile/cursor.js';
import type { CardProfile } from '../../core/profile/types.js';
import type { CardContext, Handler, Reply } from './context.js';

export interface Applet {
  /** For messages and traces, e.g. "PIV". */
  readonly name: string;
  /** The full AID (5 to 16 bytes); SELECT also finds it by a right-truncated form. */
  readonly aid: Buffer;
  /** Accepts command chaining (CLA bit 10): the OS collects the pieces and hands over one command. */
  readonly chaining?: boolean;
  /** Accepts proprietary classes (CLA 80 to FE) instead of the OS answering 6E00. */
  readonly proprietaryClass?: boolean;
  /**
   * SELECT by name found this applet: answer it (P2 00: the FCI or application template).
   * Selecting the applet again keeps its security state (a verified PIN stays verified).
   */
  select(cmd: CommandApdu, ctx: CardContext): Reply;
  /** A command while selected; `undefined` lets the card OS's ISO 7816-4 commands handle it. */
  process(cmd: CommandApdu, ctx: CardContext): Reply | undefined;
  /** A new card session (power on, warm reset): forget the security state; keys and counters stay. */
  reset?(): void;
}

/** An instruction added to the card OS's dispatch table (beside SELECT, READ BINARY, ...). */
export interface CardCommand {
  ins: number;
  /** For documentation and messages, e.g. "GET DATA". */
  name: string;
  handler: Handler;
  /** Also accept this INS with a proprietary class (CLA 80 to FE). */
  proprietaryClass?: boolean;
}

/** A kind of applet a profile can name: `applets: [{ type: piv, ... }]`. */
export interface AppletType {
  readonly type: string;
  /**
   * Checks the profile's entry once (throw through `entry.fail(...)`, which names the
   * file, line and field) and returns a maker of fresh applets: one per card, so that
   * what one card does to its keys never shows in another.
   */
  prepare(entry: Cursor, profile: CardProfile): () => Applet;
}

/** A set of extra instructions a profile can name: `extensions: [{ type: my-commands }]`. */
export interface ExtensionType {
  readonly type: string;
  prepare(entry: Cursor, profile: CardProfile): CardCommand[];
}

const appletTypes = new Map<string, AppletType>();
const extensionTypes = new Map<string, ExtensionType>();

/** Makes `type` available to profiles. A type name can be registered once. */
export function registerAppletType(type: AppletType): void {
  if (appletTypes.has(type.type)) throw new Error(`applet type "${type.type}" is already registered`);
  appletTypes.set(type.type, type);
}

export function registerExtensionType(type: ExtensionType): void {
  if (extensionTypes.has(type.type)) throw new Error(`extension type "${type.type}" is already registered`);
  extensionTypes.set(type.type, type);
}

export function appletTypeNames(): string[] {
  return [...appletTypes.keys()].sort();
}

export function extensionTypeNames(): string[] {
  return [...extensionTypes.keys()].sort();
}

/** What a card is built from besides files and PINs. */
export interface CardParts {
  makeApplets: (() => Applet)[];
  commands: CardCommand[];
}

const prepared = new WeakMap<CardProfile, CardParts>();

/**
 * The applet makers and extra commands a profile names, checked once per profile (a
 * mistake throws ProfileError with the file and line of the entry).
 */
export function cardParts(profile: CardProfile, reserved: ReadonlySet<number>): CardParts {
  const known = prepared.get(profile);
  if (known !== undefined) return known;
  const parts: CardParts = { makeApplets: [], commands: [] };
  const aids: Buffer[] = [];
  for (const part of profile.applets) {
    const type = appletTypes.get(part.type) ?? part.typeCursor.fail(`an applet type (${appletTypeNames().join(', ') || 'none registered'})`);
    const make = type.prepare(part.entry, profile);
    const aid = make().aid;
    if (aid.length < 5 || aid.length > 16) part.entry.fail('an applet AID of 5 to 16 bytes', `${aid.length} bytes`);
    if (aids.some((a) => a.equals(aid))) part.entry.fail('an AID no other applet of this profile has', 'a repeated AID');
    aids.push(aid);
    parts.makeApplets.push(make);
  }
  const taken = new Set(reserved);
  for (const part of profile.extensions) {
    const type = extensionTypes.get(part.type) ?? part.typeCursor.fail(`an extension type (${extensionTypeNames().join(', ') || 'none registered'})`);
    for (const command of type.prepare(part.entry, profile)) {
      if (taken.has(command.ins)) part.entry.fail(`instructions the card does not have yet`, `INS ${command.ins.toString(16).padStart(2, '0').toUpperCase()} (${command.name}) again`);
      taken.add(command.ins);
      parts.commands.push(command);
    }
  }
  prepared.set(profile, parts);
  return parts;
}

/** The applet SELECT by name means: `name` is the AID or a right-truncated form of at least 5 bytes. */
export function appletByName(applets: readonly Applet[], name: Buffer): Applet | undefined {
  if (name.length < 5) return undefined;
  return applets.find((a) => name.length <= a.aid.length && a.aid.subarray(0, name.length).equals(name));
}
