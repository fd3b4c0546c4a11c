/**
 * Faults on purpose (docs/faults.md): the virtual card answers late, answers what the
 * scenario says, goes mute, or leaves the reader during an APDU; pcscd restarts. The
 * faults live with the card (simulator/vpcd/faults.ts), so they work on the simulator and
 * in the container alike; the hardware target skips the scenario.
 *
 *   Given the APDU timeout is 500 ms
 *   Given the card answers after 200 ms
 *   Given the card answers "6F00" to the next APDU
 *   Given the card answers "01 02 90 00" to the next APDU
 *   Given the card goes mute after 1 APDU
 *   When the card is removed during the next APDU
 *   When pcscd restarts
 */
import { Given, When, setParallelCanAssign } from '@cucumber/cucumber';
import { toHex } from '../core/apdu/hex.js';
import type { FaultPlan } from '../core/faults.js';
import type { CardspecWorld } from './support/world.js';

const PCSCD_RESTART_STEP = 'pcscd restarts';

// A pcscd restart takes every reader's card out: such a scenario runs with no other at its side.
// (On the container target each worker has its own pcscd; the rule only costs a little parallelism there.)
setParallelCanAssign((pickle, inProgress) => {
  const restarts = (p: typeof pickle) => p.steps.some((step) => step.text === PCSCD_RESTART_STEP);
  if (inProgress.some(restarts)) return false;
  return !restarts(pickle) || inProgress.length === 0;
});

/** Adds a fault on targets with virtual cards; elsewhere skips the rest of the scenario, saying why. */
async function fault(world: CardspecWorld, plan: FaultPlan): Promise<'skipped' | undefined> {
  const target = world.target;
  if (!target.addFaults) {
    return world.skipRest(`faults on purpose need a virtual card; the ${target.name} target has none`);
  }
  await target.addFaults(plan);
  return undefined;
}

Given('the APDU timeout is {int} ms', function (this: CardspecWorld, timeoutMs: number) {
  if (timeoutMs < 1) throw new Error(`an APDU timeout of ${timeoutMs} ms leaves no time to answer: give at least 1 ms`);
  this.apduTimeoutMs = timeoutMs;
});

Given('the card answers after {int} ms', function (this: CardspecWorld, delayMs: number) {
  return fault(this, { delayMs });
});

Given('the card answers {string} to the next APDU', function (this: CardspecWorld, response: string) {
  return fault(this, { answers: [toHex(this.hex(response), '')] });
});

Given('the card goes mute after {int} APDU(s)', function (this: CardspecWorld, count: number) {
  return fault(this, { muteAfter: count });
});

When('the card is removed during the next APDU', function (this: CardspecWorld) {
  return fault(this, { removeOnNextApdu: true });
});

When(PCSCD_RESTART_STEP, async function (this: CardspecWorld) {
  const target = this.target;
  if (!target.restartPcscd) {
    return this.skipRest(`the simulator and container targets restart pcscd; on the ${target.name} target it is not the run's to restart`);
  }
  await target.restartPcscd();
  return undefined;
});
