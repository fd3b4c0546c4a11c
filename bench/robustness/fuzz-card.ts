/**
 * Fuzzing of the virtual card's OS in this process: random byte strings and mutations of
 * well-formed APDUs (every INS the card knows, short and extended, every logical-channel
 * CLA) go to VirtualCard.transmit, with resets and power cycles in between. The card must
 * answer every one with a response APDU ending in a status word (6X or 9X), never throw.
 */
import { VirtualCard } from '../../simulator/card/index.js';
import type { CardProfile } from '../../core/profile/index.js';
import { isStatusWordSw1 } from '../../core/apdu/status.js';
import { Random } from './random.js';

/** Commands a spec writer sends: the seeds of the mutations. */
const CORPUS = [
  '00 A4 00 0C 02 3F 00', '00 A4 00 0C 02 00 01', '00 A4 04 00 09 F0 43 41 52 44 53 50 45 43 00', '00 A4 08 04 04 7F 10 01 01 00',
  '00 A4 09 00 02 01 01', '00 A4 00 04 02 2F 00 00', '00 A4 01 0C 02 7F 10', '00 A4 03 0C', '00 A4 02 0C 02 00 03',
  '00 B0 00 00 00', '00 B0 81 00 05', '00 B0 00 05 00 00 10', '00 B2 01 04 00', '00 B2 02 F4 00', '00 B2 04 14 00',
  '00 20 00 01', '00 20 00 01 04 31 32 33 34', '00 20 00 01 04 30 30 30 30', '00 24 00 01 08 31 32 33 34 35 36 37 38',
  '00 2C 00 01 0C 31 32 33 34 35 36 37 38 31 32 33 34', '00 2C 01 01 08 31 32 33 34 35 36 37 38', '00 84 00 00 08',
  '00 84 00 00 00', '00 C0 00 00 00', '00 C0 00 00 10', '80 CA 9F 7F 00', '01 B0 00 00 00', '43 A4 00 0C 02 3F 00',
  '10 B0 00 00 00', 'FF B0 00 00 00', '00 B0 00 00 00 00 00', '00 A4 04 00 00 00 05 F0 43 41 52 44 00 00',
].map((hex) => Buffer.from(hex.replace(/\s/g, ''), 'hex'));

export interface FuzzFinding {
  index: number;
  command: string;
  problem: string;
}

export interface FuzzResult {
  profile: string;
  seed: number;
  apdus: number;
  /** Exceptions that escaped the card OS (must be 0). */
  exceptions: number;
  /** Answers that are not a response APDU with a status word (must be 0). */
  malformed: number;
  /** The first findings, to reproduce (seed and index). */
  findings: FuzzFinding[];
  /** How often each status word came, by SW1. */
  sw1Counts: Record<string, number>;
  ms: number;
}

/** One mutation of a well-formed command. */
function mutate(random: Random, seed: Buffer): Buffer {
  const bytes = Buffer.from(seed);
  switch (random.below(9)) {
    case 0: {
      // Flip a few bits.
      for (let n = 1 + random.below(3); n > 0 && bytes.length > 0; n--) bytes[random.below(bytes.length)]! ^= 1 << random.below(8);
      return bytes;
    }
    case 1: {
      if (bytes.length > 0) bytes[random.below(bytes.length)] = random.pick([0x00, 0xff, 0x7f, 0x80, 0x01, random.byte()]);
      return bytes;
    }
    case 2:
      return bytes.subarray(0, random.below(bytes.length + 1));
    case 3:
      return Buffer.concat([bytes, random.bytes(1 + random.below(8))]);
    case 4: {
      // Lc or Le out of step with the data.
      if (bytes.length > 4) bytes[4] = random.pick([0x00, 0xff, bytes[4]! + 1, bytes[4]! - 1, random.byte()]) & 0xff;
      return bytes;
    }
    case 5: {
      // Another CLA: logical channels, secure messaging, chaining, proprietary.
      if (bytes.length > 0) bytes[0] = random.pick([0x00, 0x01, 0x02, 0x03, 0x04, 0x0c, 0x10, 0x40, 0x4f, 0x60, 0x80, 0x90, 0xe0, 0xff]);
      return bytes;
    }
    case 6: {
      if (bytes.length > 1) bytes[1] = random.byte();
      return bytes;
    }
    case 7: {
      // The extended form: 00 then a 2-byte Lc, or a 3-byte Le.
      const head = bytes.subarray(0, 4);
      const data = random.bytes(random.pick([0, 1, 255, 256, 257, 1000]));
      const lc = data.length > 0 ? Buffer.from([0x00, data.length >> 8, data.length & 0xff]) : Buffer.alloc(0);
      const le = random.below(2) ? Buffer.from(lc.length ? [random.byte(), random.byte()] : [0x00, random.byte(), random.byte()]) : Buffer.alloc(0);
      return Buffer.concat([head, lc, data, le]);
    }
    default:
      // Two commands spliced.
      return Buffer.concat([bytes.subarray(0, random.below(bytes.length + 1)), random.pick(CORPUS).subarray(random.below(4))]);
  }
}

/** A random byte string: mostly short, sometimes empty, sometimes past a short APDU's size. */
function randomCommand(random: Random): Buffer {
  const length = random.pick([0, 1, 2, 3, 4, 5, 6, 7, random.below(16), random.below(64), random.below(300), random.below(70_000)]);
  return random.bytes(length);
}

/** Why an answer is not a response APDU (undefined when it is one). */
function problemWith(answer: unknown): string | undefined {
  if (!Buffer.isBuffer(answer)) return `not a Buffer: ${typeof answer}`;
  if (answer.length < 2) return `${answer.length} bytes, no status word`;
  if (answer.length > 65_538) return `${answer.length} bytes, more than a response APDU carries`;
  const sw1 = answer[answer.length - 2]!;
  if (!isStatusWordSw1(sw1)) return `SW1 ${sw1.toString(16)} is no status word`;
  if (sw1 === 0x60) return 'SW1 60 (a procedure byte, never a status word)';
  return undefined;
}

/** Sends `apdus` random and mutated commands to one card of `profile`; counts what went wrong. */
export function fuzzCard(profile: CardProfile, apdus: number, seed: number): FuzzResult {
  const random = new Random(seed);
  let card = new VirtualCard(profile);
  card.powerOn();
  const result: FuzzResult = { profile: profile.name, seed, apdus, exceptions: 0, malformed: 0, findings: [], sw1Counts: {}, ms: 0 };
  const started = performance.now();
  for (let index = 0; index < apdus; index++) {
    // Now and then a reset, a power cycle, or a new card (a blocked PIN stays blocked otherwise).
    const event = random.below(1000);
    if (event === 0) card.reset();
    else if (event === 1) {
      card.powerOff();
      card.powerOn();
    } else if (event === 2) {
      card = new VirtualCard(profile);
      card.powerOn();
    }
    const command = random.below(3) === 0 ? randomCommand(random) : mutate(random, random.pick(CORPUS));
    let answer: unknown;
    try {
      answer = card.transmit(command);
    } catch (error) {
      result.exceptions++;
      if (result.findings.length < 10) result.findings.push({ index, command: command.toString('hex'), problem: `threw ${error instanceof Error ? error.stack : String(error)}` });
      continue;
    }
    const problem = problemWith(answer);
    if (problem) {
      result.malformed++;
      if (result.findings.length < 10) result.findings.push({ index, command: command.toString('hex'), problem });
      continue;
    }
    const sw1 = (answer as Buffer)[(answer as Buffer).length - 2]!.toString(16).toUpperCase();
    result.sw1Counts[sw1] = (result.sw1Counts[sw1] ?? 0) + 1;
  }
  result.ms = performance.now() - started;
  return result;
}
