import { Given, Then, When, type DataTable } from '@cucumber/cucumber';
import type { ResponseApdu } from '../core/apdu/apdu.js';
import { parseHex, swHex, toHex } from '../core/apdu/hex.js';
import { explainMismatch, matchesBytePattern, parseBytePattern } from '../core/apdu/pattern.js';
import { describeStatusWord, matchesStatusWord, parseStatusWordPattern } from '../core/apdu/status.js';
import { findTag, parseTlv } from '../core/apdu/tlv.js';
import { isSavedName } from '../src/text/expand.js';
import type { CardspecWorld } from './support/world.js';

/** Why a response's status word is not the one expected, or undefined when it is. */
function checkStatus(response: ResponseApdu, expected: string): string | undefined {
  const pattern = parseStatusWordPattern(expected);
  if (matchesStatusWord(pattern, response.sw)) return undefined;
  return `the status word is ${swHex(response.sw)} (${describeStatusWord(response.sw)}), expected ${expected}`;
}

/**
 * Why the data does not match a pattern (`empty` demands none), or undefined when it does.
 * A pattern holding a secret is never shown, nor where the data departs from it.
 */
function checkData(data: Buffer, expected: string, holdsSecret: (text: string) => boolean = () => false): string | undefined {
  if (expected.trim() === 'empty') {
    return data.length === 0 ? undefined : `the response data is ${toHex(data)} (${data.length} bytes), expected none`;
  }
  const pattern = parseBytePattern(expected);
  if (matchesBytePattern(pattern, data)) return undefined;
  if (holdsSecret(expected)) return `the response data is ${data.length ? toHex(data) : 'empty'}, which is not the expected value (a secret, not shown)`;
  return `the response data is ${data.length ? toHex(data) : 'empty'}, expected ${pattern.text}: ${explainMismatch(pattern, data)}`;
}

When('I send the APDU {string}', async function (this: CardspecWorld, command: string) {
  await this.send(command);
});

Then('the status word is {string}', function (this: CardspecWorld, expected: string) {
  const problem = checkStatus(this.requireResponse(), this.expandText(expected));
  if (problem) throw new Error(problem);
});

Then('the response data is {string}', function (this: CardspecWorld, expected: string) {
  const expanded = this.expandText(expected);
  // Exact bytes: the same check as a pattern without wildcards, which parses the hex as well.
  const problem = checkData(this.requireResponse().data, toHex(parseHex(expanded)), (text) => this.holdsSecret(text));
  if (problem) throw new Error(problem);
});

Then('the response data is empty', function (this: CardspecWorld) {
  const problem = checkData(this.requireResponse().data, 'empty');
  if (problem) throw new Error(problem);
});

Then('the response data matches {string}', function (this: CardspecWorld, pattern: string) {
  const expanded = this.expandText(pattern);
  const problem = checkData(this.requireResponse().data, expanded, (text) => this.holdsSecret(text));
  if (problem) throw new Error(problem);
});

Then('the response data has {int} byte(s)', function (this: CardspecWorld, count: number) {
  const data = this.requireResponse().data;
  if (data.length !== count) throw new Error(`the response data has ${data.length} bytes (${toHex(data)}), expected ${count}`);
});

Then('the response data is the text {string}', function (this: CardspecWorld, expected: string) {
  const data = this.requireResponse().data;
  const want = this.text(expected);
  if (data.toString('latin1') !== want) {
    throw new Error(`the response data is ${JSON.stringify(data.toString('latin1'))} (${toHex(data)}), expected ${JSON.stringify(want)}`);
  }
});

function tag(world: CardspecWorld, tagText: string): { tagHex: string; value: Buffer | undefined } {
  const tagHex = toHex(world.hex(tagText), '');
  const data = world.requireResponse().data;
  const node = findTag(parseTlv(data), tagHex);
  return { tagHex, value: node?.value };
}

Then('the response data contains tag {string}', function (this: CardspecWorld, tagText: string) {
  const { tagHex, value } = tag(this, tagText);
  if (value === undefined) throw new Error(`tag ${tagHex} is not in the response data ${toHex(this.requireResponse().data)}`);
});

Then('tag {string} in the response data is {string}', function (this: CardspecWorld, tagText: string, expected: string) {
  const { tagHex, value } = tag(this, tagText);
  if (value === undefined) throw new Error(`tag ${tagHex} is not in the response data ${toHex(this.requireResponse().data)}`);
  const expanded = this.expandText(expected);
  const problem = checkData(value, expanded, (text) => this.holdsSecret(text));
  if (problem) throw new Error(`tag ${tagHex}: ${problem.replace('the response data', 'its value')}`);
});

When('I save the response data as {string}', function (this: CardspecWorld, name: string) {
  if (!isSavedName(name)) throw new Error(`"${name}" is not a name to save under: use letters, digits, _ and -`);
  this.saved.set(name, toHex(this.requireResponse().data, ''));
});

Given('automatic GET RESPONSE is off', function (this: CardspecWorld) {
  this.automaticGetResponse = false;
});

Given('automatic GET RESPONSE is on', function (this: CardspecWorld) {
  this.automaticGetResponse = true;
});

const TABLE_COLUMNS = ['command', 'status', 'data'];

When('I send the APDUs:', async function (this: CardspecWorld, table: DataTable) {
  const rows = table.hashes();
  const unknown = Object.keys(rows[0] ?? {}).filter((c) => !TABLE_COLUMNS.includes(c));
  if (unknown.length > 0) throw new Error(`unknown column(s) ${unknown.join(', ')}: the columns are ${TABLE_COLUMNS.join(', ')}`);
  for (const [index, row] of rows.entries()) {
    const where = `row ${index + 1} (${row.command ?? ''})`;
    if (!row.command?.trim()) throw new Error(`${where}: the command cell is empty`);
    const command = this.hex(row.command);
    const status = row.status ? this.expandText(row.status) : '';
    const data = row.data ? this.expandText(row.data) : '';
    // Check the patterns before sending, so a typo fails the step before the card sees anything.
    if (status.trim()) parseStatusWordPattern(status);
    if (data.trim() && data.trim() !== 'empty') parseBytePattern(data);
    const response = await this.send(command);
    if (!response) return; // the PC/SC error is kept for "Then it fails with"
    const problem = (status.trim() ? checkStatus(response, status) : undefined) ?? (data.trim() ? checkData(response.data, data, (text) => this.holdsSecret(text)) : undefined);
    if (problem) throw new Error(`${where}: ${problem}`);
  }
});
