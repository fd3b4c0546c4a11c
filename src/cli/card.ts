import { ControlClient } from '../../core/control/client.js';
import type { ControlRequest, SlotStatus } from '../../core/control/protocol.js';
import { checkFaultAnswer, MAX_FAULT_DELAY_MS, type FaultPlan } from '../../core/faults.js';
import { HarnessCodes, HarnessError } from '../../core/errors.js';
import { PcscContext } from '../pcsc/client.js';
import { CARD_EVENT_TIMEOUT_MS } from '../targets/card-flow.js';
import { last, parseArgs } from './args.js';

export const CARD_HELP = `Usage: cardspec card [--control SOCKET] --reader N <action>

Makes a card of a running \`cardspec sim\` (native or --target container) misbehave on
purpose, for the PC/SC clients pointed at it. N is the vpcd reader number ("Virtual PCD
00 0N"); SOCKET is the control channel \`cardspec sim\` printed as CARDSPEC_CONTROL (the
default). Actions:

  delay MS        answer every APDU MS milliseconds late (delay 0: on time again)
  answer HEX      answer the next APDU with HEX (a status word, or data then SW1 SW2)
  mute [N]        answer N more APDUs (default 0), then none until the card is removed
  remove-next     take the card out when the next APDU comes, unanswered
  remove          take the card out now
  insert          put the card taken out back in (a fresh power-up, faults cleared)
  clear           end every fault
  status          print the reader's state and the faults in force

See docs/faults.md for what a client sees with each.`;

function usage(message: string): never {
  throw new HarnessError(HarnessCodes.BAD_USAGE, `${message}\n\n${CARD_HELP}`);
}

function wholeNumber(text: string | undefined, what: string, max: number): number {
  const value = Number(text);
  if (text === undefined || !/^\d+$/.test(text) || value > max) usage(`${what} takes a whole number from 0 to ${max}, not "${text ?? ''}"`);
  return value;
}

/** The control request of an action's words. */
export function cardRequest(slot: number, words: string[]): ControlRequest {
  const [action, ...rest] = words;
  const fault = (plan: FaultPlan, clear = false): ControlRequest => ({ op: 'faults', slot, plan, clear });
  const takes = (count: number): void => {
    if (rest.length > count) usage(`${action} takes ${count === 0 ? 'nothing' : 'one value'} after it, not "${rest.join(' ')}"`);
  };
  switch (action) {
    case 'delay':
      takes(1);
      return fault({ delayMs: wholeNumber(rest[0], 'delay', MAX_FAULT_DELAY_MS) });
    case 'answer': {
      takes(1);
      if (rest[0] === undefined) usage('answer needs the bytes, e.g. answer 6F00');
      try {
        checkFaultAnswer(rest[0]);
      } catch (error) {
        usage(error instanceof Error ? error.message : String(error));
      }
      return fault({ answers: [rest[0]] });
    }
    case 'mute':
      takes(1);
      return fault({ muteAfter: rest[0] === undefined ? 0 : wholeNumber(rest[0], 'mute', Number.MAX_SAFE_INTEGER) });
    case 'remove-next':
      takes(0);
      return fault({ removeOnNextApdu: true });
    case 'remove':
      takes(0);
      return { op: 'remove', slot };
    case 'insert':
      takes(0);
      return { op: 'reinsert', slot };
    case 'clear':
      takes(0);
      return fault({}, true);
    case 'status':
      takes(0);
      return fault({});
    case undefined:
      return usage('no action given');
    default:
      return usage(`unknown action "${action}"`);
  }
}

function describe(status: SlotStatus): string {
  const faults = status.faults && Object.keys(status.faults).length > 0 ? JSON.stringify(status.faults) : 'none';
  return `${status.reader}: ${status.inserted ? `card ${status.profile ?? ''} in` : 'empty'}; faults: ${faults}`;
}

async function seenByPcscd(reader: string, inserted: boolean): Promise<void> {
  const pcsc = PcscContext.open();
  try {
    if (inserted) await pcsc.waitForCard(reader, CARD_EVENT_TIMEOUT_MS);
    else await pcsc.waitForEmpty(reader, CARD_EVENT_TIMEOUT_MS);
  } finally {
    pcsc.close();
  }
}

export async function card(argv: string[]): Promise<number> {
  const args = parseArgs(argv, ['control', 'reader'], ['help']);
  if (args.flags.has('help')) {
    console.log(CARD_HELP);
    return 0;
  }
  const socket = last(args, 'control') ?? process.env.CARDSPEC_CONTROL;
  if (!socket) usage('no control channel: paste the export lines `cardspec sim` printed (CARDSPEC_CONTROL), or give --control');
  const slot = wholeNumber(last(args, 'reader'), '--reader', 99);
  const request = cardRequest(slot, args.positionals);
  const client = await ControlClient.connect(socket);
  try {
    const status = (await client.request(request)) as SlotStatus;
    // A client that runs next must find the card in or out: wait until pcscd has seen it
    // (PCSCLITE_CSOCK_NAME from sim's export lines leads to the container's pcscd).
    if (request.op === 'remove' || request.op === 'reinsert') await seenByPcscd(status.reader, status.inserted);
    console.log(describe(status));
    return 0;
  } finally {
    client.close();
  }
}
