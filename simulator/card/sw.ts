/**
 * Status words the card answers, and the error a command handler throws to answer one.
 * Handlers throw instead of returning so that a check deep in a helper (file lookup,
 * access rule) ends the command at once; CardOs turns the error into the response.
 */
import { swHex } from '../../core/apdu/hex.js';

export const SW = {
  OK: 0x9000,
  /** 61xx: xx more bytes wait for GET RESPONSE. */
  BYTES_AVAILABLE: 0x6100,
  /** 6282: end of file reached before Ne bytes were read. */
  END_OF_FILE: 0x6282,
  /** 63Cx: verification failed, x tries left. */
  TRIES_LEFT: 0x63c0,
  WRONG_LENGTH: 0x6700,
  LOGICAL_CHANNEL_NOT_SUPPORTED: 0x6881,
  SECURE_MESSAGING_NOT_SUPPORTED: 0x6882,
  CHAINING_NOT_SUPPORTED: 0x6884,
  INCOMPATIBLE_FILE_STRUCTURE: 0x6981,
  SECURITY_NOT_SATISFIED: 0x6982,
  AUTH_METHOD_BLOCKED: 0x6983,
  CONDITIONS_NOT_SATISFIED: 0x6985,
  NO_CURRENT_EF: 0x6986,
  FILE_NOT_FOUND: 0x6a82,
  RECORD_NOT_FOUND: 0x6a83,
  WRONG_P1_P2: 0x6a86,
  WRONG_OFFSET: 0x6b00,
  /** 6Cxx: wrong Le, xx is the right one. */
  WRONG_LE: 0x6c00,
  INS_NOT_SUPPORTED: 0x6d00,
  CLA_NOT_SUPPORTED: 0x6e00,
  /** No precise diagnosis: only ever answered for a bug in the simulator. */
  UNKNOWN_ERROR: 0x6f00,
} as const;

/** 61xx / 6Cxx carry a length in one byte, where 256 (or more) is written 00. */
export function swWithLength(base: number, length: number): number {
  return base | (length >= 256 ? 0 : length);
}

/** 63Cx with the tries left (at most 15 fit). */
export function swTriesLeft(tries: number): number {
  return SW.TRIES_LEFT | Math.min(tries, 15);
}

export class StatusWordError extends Error {
  readonly sw: number;

  constructor(sw: number, reason?: string) {
    const hex = swHex(sw);
    super(reason === undefined ? hex : `${hex}: ${reason}`);
    this.name = 'StatusWordError';
    this.sw = sw;
  }
}

/** Throws the status word: `fail(SW.WRONG_LENGTH)`. */
export function fail(sw: number, reason?: string): never {
  throw new StatusWordError(sw, reason);
}
