import type { FaultPlan } from '../../simulator/vpcd/faults.js';
import type { CardConnection, PcscContext } from '../pcsc/client.js';
import type { ApduTrace } from '../trace/trace.js';

export const TARGET_NAMES = ['simulator', 'container', 'hardware'] as const;
export type TargetName = (typeof TARGET_NAMES)[number];

/** What a target may know of the scenario that starts. */
export interface ScenarioInfo {
  tags: readonly string[];
  /**
   * Byte strings (as upper-case hex) that came into the scenario's APDUs from the
   * environment: the PINs the operator configured, which the hardware guard trusts.
   */
  trustedValues: ReadonlySet<string>;
}

/** How to reach one PKCS#11 token on a target. */
export interface TokenAccess {
  /** Path of the PKCS#11 module to load. */
  modulePath: string;
  /** The token's label (tokens are found by label: slot ids change after initialisation). */
  label: string;
  userPin: string;
  soPin: string;
  /** Environment the module needs (SOFTHSM2_CONF, P11_KIT_SERVER_ADDRESS), set before loading it. */
  env: Record<string, string>;
  /**
   * On physical tokens: whether the scenario may risk the PIN (it is tagged @destructive).
   * When this returns false, a login that could lock the PIN is refused.
   */
  destructiveAllowed?: () => boolean;
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
  /** Faults on purpose for the card in the reader (virtual cards only; docs/faults.md). */
  addFaults?(plan: FaultPlan): Promise<void>;
  /** Stops and starts pcscd (the simulator target, which may); returns once it serves the reader again. */
  restartPcscd?(): Promise<void>;
}
