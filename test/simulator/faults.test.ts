import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeRequest, encodeRequest } from '../../core/control/protocol.js';
import { FaultState, decodeFaultPlan } from '../../core/faults.js';
import { cardRequest } from '../../src/cli/card.js';

describe('fault plans', () => {
  it('answers, delays, mutes and removes as the plan says, in order', () => {
    const faults = new FaultState();
    assert.equal(faults.active, false);
    faults.add({ delayMs: 50, answers: ['6F00', 'CA FE 90 00'], muteAfter: 3 });
    assert.deepEqual(faults.next(), { kind: 'answer', response: Buffer.from('6F00', 'hex'), delayMs: 50 });
    assert.deepEqual(faults.next(), { kind: 'answer', response: Buffer.from('CAFE9000', 'hex'), delayMs: 50 });
    assert.deepEqual(faults.next(), { kind: 'card', delayMs: 50 });
    assert.equal(faults.mute, true);
    assert.deepEqual(faults.next(), { kind: 'mute' });
    assert.deepEqual(faults.next(), { kind: 'mute' });
    faults.add({ removeOnNextApdu: true });
    assert.deepEqual(faults.next(), { kind: 'remove' });
    faults.clear();
    assert.equal(faults.active, false);
    assert.deepEqual(faults.describe(), {});
  });

  it('merges plans: a field given replaces, answers queue up', () => {
    const faults = new FaultState();
    faults.add({ delayMs: 10, answers: ['9000'] });
    faults.add({ delayMs: 0, answers: ['6A82'] });
    assert.deepEqual(faults.describe(), { answers: ['9000', '6A82'] });
  });

  it('refuses what is not a plan, naming the field', () => {
    assert.throws(() => decodeFaultPlan({ delayMs: -1 }), /"delayMs" must be a whole number from 0 to 600000/);
    assert.throws(() => decodeFaultPlan({ answers: ['12'] }), /at least SW1 SW2/);
    assert.throws(() => decodeFaultPlan({ answers: ['0102'] }), /does not end in a status word/);
    assert.throws(() => decodeFaultPlan({ answers: ['6G00'] }), /hex bytes/);
    assert.throws(() => decodeFaultPlan({ muteAfter: 1.5 }), /"muteAfter"/);
    assert.throws(() => decodeFaultPlan({ removeOnNextApdu: 'yes' }), /true or false/);
    assert.throws(() => decodeFaultPlan({ wobble: 1 }), /unknown field "wobble"/);
    assert.throws(() => decodeFaultPlan([]), /must be an object/);
  });

  it('crosses the control channel as JSON', () => {
    const line = encodeRequest(7, { op: 'faults', slot: 1, plan: { delayMs: 200, answers: ['6F00'] }, clear: true });
    assert.deepEqual(decodeRequest(line.trim()), { id: 7, request: { op: 'faults', slot: 1, plan: { delayMs: 200, answers: ['6F00'] }, clear: true } });
    assert.throws(() => decodeRequest('{"id":1,"op":"faults","slot":0,"plan":{"delayMs":"soon"}}'), /faults: fault plan: "delayMs"/);
  });

  it('cardspec card turns its words into control requests', () => {
    assert.deepEqual(cardRequest(0, ['delay', '200']), { op: 'faults', slot: 0, plan: { delayMs: 200 }, clear: false });
    assert.deepEqual(cardRequest(1, ['answer', '6F00']), { op: 'faults', slot: 1, plan: { answers: ['6F00'] }, clear: false });
    assert.deepEqual(cardRequest(0, ['mute']), { op: 'faults', slot: 0, plan: { muteAfter: 0 }, clear: false });
    assert.deepEqual(cardRequest(0, ['mute', '2']), { op: 'faults', slot: 0, plan: { muteAfter: 2 }, clear: false });
    assert.deepEqual(cardRequest(0, ['remove']), { op: 'remove', slot: 0 });
    assert.deepEqual(cardRequest(0, ['insert']), { op: 'reinsert', slot: 0 });
    assert.deepEqual(cardRequest(0, ['clear']), { op: 'faults', slot: 0, plan: {}, clear: true });
    assert.throws(() => cardRequest(0, ['delay', 'soon']), /delay takes a whole number/);
    assert.throws(() => cardRequest(0, ['remove', 'now']), /remove takes nothing after it/);
    assert.throws(() => cardRequest(0, []), /no action given/);
  });
});
