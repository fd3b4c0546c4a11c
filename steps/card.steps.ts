import { Given, Then, When } from '@cucumber/cucumber';
import { expect } from 'chai';
import { atrOffersProtocol, parseAtr } from '../core/apdu/atr.js';
import { toHex } from '../core/apdu/hex.js';
import { explainMismatch, matchesBytePattern, parseBytePattern } from '../core/apdu/pattern.js';
import { profileForFeature } from '../src/cli/preflight.js';
import type { CardspecWorld } from './support/world.js';

async function insert(world: CardspecWorld, profile: string | undefined): Promise<void> {
  world.response = undefined;
  world.connection = await world.attempt(() => world.target.insertCard(profile, world.trace));
}

Given('a card is inserted', async function (this: CardspecWorld) {
  await insert(this, undefined);
});

Given('the card {string} is inserted', async function (this: CardspecWorld, profile: string) {
  await insert(this, profileForFeature(this.expandText(profile), this.featureFile));
});

/** On hardware a person must move the card: the rest of the scenario is skipped, with the reason. */
function needsPerson(world: CardspecWorld, action: string): 'skipped' | undefined {
  if (world.target.canMoveCards) return undefined;
  return world.skipRest(`on the ${world.target.name} target a person must ${action}; the rest of the scenario is skipped`);
}

When('the card is removed', async function (this: CardspecWorld) {
  const skip = needsPerson(this, 'remove the card');
  if (skip) return skip;
  await this.attempt(() => this.target.removeCard());
  return undefined;
});

When('the card is inserted again', async function (this: CardspecWorld) {
  const skip = needsPerson(this, 'insert the card again');
  if (skip) return skip;
  this.connection = await this.attempt(() => this.target.reinsertCard(this.trace));
  return undefined;
});

When('the card is reset', async function (this: CardspecWorld) {
  const connection = this.requireConnection();
  await this.attempt(() => connection.reset());
});

When('the card is powered off and on', async function (this: CardspecWorld) {
  const connection = this.requireConnection();
  await this.attempt(() => connection.powerCycle());
});

Then('the ATR is {string}', function (this: CardspecWorld, expected: string) {
  const atr = this.requireConnection().atr;
  expect(toHex(atr), 'ATR').to.equal(toHex(this.hex(expected)));
});

Then('the ATR matches {string}', function (this: CardspecWorld, pattern: string) {
  const atr = this.requireConnection().atr;
  const parsed = parseBytePattern(this.expandText(pattern));
  if (!matchesBytePattern(parsed, atr)) {
    throw new Error(`the ATR ${toHex(atr)} does not match "${parsed.text}": ${explainMismatch(parsed, atr)}`);
  }
});

Then('the ATR offers protocol {string}', function (this: CardspecWorld, protocol: string) {
  const match = /^T=(\d+)$/.exec(this.expandText(protocol).trim());
  if (!match) throw new Error(`"${protocol}" is not a protocol: write T=0 or T=1`);
  const atr = parseAtr(this.requireConnection().atr);
  if (!atrOffersProtocol(atr, Number(match[1]))) {
    throw new Error(`the ATR ${toHex(atr.bytes)} offers ${atr.protocols.map((t) => `T=${t}`).join(', ')}, not T=${match[1]}`);
  }
});

Then('the historical bytes are {string}', function (this: CardspecWorld, expected: string) {
  const historical = parseAtr(this.requireConnection().atr).historical;
  expect(toHex(historical), 'historical bytes').to.equal(toHex(this.hex(expected)));
});
