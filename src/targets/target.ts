import type { FaultPlan } from '../../core/faults.js';
import type { CardConnection, PcscContext } from '../pcsc/client.js';
import type { ApduTrace } from '../trace/trace.js';
import type { KeyPlan } from '../pkcs11/key-plan.js';
import type { TokenAccess } from '../pkcs11/token.js';

export const TARGET_NAMES = ['simulator', 'container', 'hardware'] as const;
export type TargetName = (typeof TARGET_NAMES)[number];

/** What a target may know of the scenario that starts. */
export interface ScenarioInfo {
  tags: readonly string[];
  /**
   * Byte strings (as upper-case hex) that `${...}` secrets (`${env:...}`) put into the
   * scenario's APDUs. The hardware guard trusts the configured card PIN only where it came
   * in this way, never where its bytes were typed out.
   */
  secretBytes: ReadonlySet<string>;
}


/**
 * One test target: where the cards and tokens are. The simulator, the container and the
 * hardware bench implement it; steps talk to this interface only.
 */
export interface Target {
  readonly name: TargetName;
  /** The PC/SC context of the run (after start). */
  readonly pcsc: PcscContext;
  /** Brings up what the target needs (pcscd, containers, tokens). Called once per worker. */
  start(): Promise<void>;
  /** Releases everything start() and later calls made. Safe to call more than once. */
  stop(): Promise<void>;
  /** Called before each scenario (`@destructive` lifts the hardware guards). */
  beginScenario(scenario: ScenarioInfo): void;
  /**
   * A fresh card of `profile` (or the default profile) in the target's reader, connected.
   * On hardware: waits for a card whose ATR matches the profile's.
   */
  insertCard(profile: string | undefined, trace: ApduTrace): Promise<CardConnection>;
  /** Takes the card out and returns once pcscd reports the reader empty. */
  removeCard(): Promise<void>;
  /** Puts the same card back, returns once pcscd reports it, connected anew. */
  reinsertCard(trace: ApduTrace): Promise<CardConnection>;
  /** Whether removal and insertion can be done without a person. */
  readonly canMoveCards: boolean;
  /** A PKCS#11 token labelled `label`, made fresh for the run where the target can. */
  token(label: string): Promise<TokenAccess>;
  /**
   * Starts making, in the background, the RSA keys the run's scenarios will ask for
   * (key-plan.ts), on targets that make their tokens; returns at once.
   */
  makeKeysAhead?(plan: KeyPlan): void;
  /** Faults on purpose for the card in the reader (virtual cards only; docs/faults.md). */
  addFaults?(plan: FaultPlan): Promise<void>;
  /** Stops and starts pcscd (the simulator's and the container's; not the hardware bench's); returns once it serves the reader again. */
  restartPcscd?(): Promise<void>;
}
