/**
 * A card profile after loading and validation: what a VirtualCard is made from.
 * Plain data, no behaviour; the YAML form is described in profile/validate.ts and the
 * files under simulator/profiles.
 */

import type { Cursor } from './cursor.js';

export type Protocol = 'T=0' | 'T=1';

export type EfType = 'transparent' | 'linear-variable';

/** Who may read an EF: anybody, nobody, or whoever verified PIN `reference` in this card session. */
export type AccessRule = { kind: 'always' } | { kind: 'never' } | { kind: 'pin'; reference: number };

export interface ProfileEf {
  kind: 'ef';
  fid: number;
  sfi: number | undefined;
  type: EfType;
  label: string | undefined;
  /** Content of a transparent EF (empty for a record EF). */
  content: Buffer;
  /** Records of a linear-variable EF, record 1 first (empty for a transparent EF). */
  records: Buffer[];
  read: AccessRule;
}

export interface ProfileDf {
  kind: 'df';
  fid: number;
  aid: Buffer | undefined;
  label: string | undefined;
  files: ProfileFile[];
}

export type ProfileFile = ProfileEf | ProfileDf;

export interface ProfilePuk {
  value: Buffer;
  tries: number;
}

export interface ProfilePin {
  /** P2 of VERIFY etc. */
  reference: number;
  value: Buffer;
  minLength: number;
  maxLength: number;
  tries: number;
  puk: ProfilePuk | undefined;
  /**
   * The status word the card answers to VERIFY without data instead of the tries left
   * (63Cx), for cards that do not take that query (6A86, 6D00...); undefined: the count.
   */
  triesQueryAnswer: number | undefined;
}

/**
 * An entry of `applets:` or `extensions:`: the registered type it names and the whole
 * entry, which that type checks itself (simulator/card/applet.ts).
 */
export interface ProfilePart {
  type: string;
  typeCursor: Cursor;
  entry: Cursor;
}

export interface CardProfile {
  name: string;
  description: string;
  /** The file it was loaded from (for messages). */
  source: string;
  atr: Buffer;
  protocol: Protocol;
  pins: ProfilePin[];
  /** The MF (3F00); its `files` are the profile's `files:` list. */
  mf: ProfileDf;
  /** Applets selected by AID, in the order of the profile. */
  applets: ProfilePart[];
  /** Sets of extra instructions for the dispatch table. */
  extensions: ProfilePart[];
  /** A card module of the user's project: its commands and applets (simulator/card/user-module.ts). */
  module: ProfileModule | undefined;
}

/** `module:` of a profile: the module's absolute path, and the field for messages. */
export interface ProfileModule {
  file: string;
  cursor: Cursor;
}

export const MF_FID = 0x3f00;
