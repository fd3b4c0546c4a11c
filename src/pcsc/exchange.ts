import { Ins } from '../../core/apdu/ins.js';
import { HarnessCodes, HarnessError } from '../../core/errors.js';
import { ApduFormatError, encodeCommand, parseCommand, parseResponse, SHORT_NE_MAX, type ResponseApdu } from '../../core/apdu/apdu.js';

/** Sends one command APDU and gives back the raw response APDU. */
export type Transmit = (command: Buffer) => Promise<Buffer>;

/** The most GET RESPONSE rounds one command may cause: a card that never stops answering 61xx is broken. */
const MAX_GET_RESPONSE_ROUNDS = 256;


/**
 * The CLA of a GET RESPONSE that follows `cla`: the interindustry class with the command's
 * logical channel (ISO 7816-4 5.4.1): b2-b1 for the first interindustry classes, b4-b1
 * with b7 set for the further ones.
 */
export function getResponseCla(cla: number): number {
  return (cla & 0xc0) === 0x40 ? 0x40 | (cla & 0x0f) : cla & 0x03;
}

/** The same command with Le set to `le` (00 = 256, as written in a 6C00 answer). */
export function withLe(command: Buffer, le: number): Buffer {
  const parsed = parseCommand(command);
  return encodeCommand({ ...parsed, ne: le === 0 ? (parsed.extended ? 65536 : SHORT_NE_MAX) : le });
}

/**
 * One exchange as a step sees it, with the T=0-style answers handled (ISO 7816-3 / -4):
 * `61xx` is followed by GET RESPONSE until the card stops answering 61yy, the data gathered
 * so far kept; `6Cxx` makes the command be sent again with Le = xx (a 6Cxx answering a GET
 * RESPONSE re-sends that GET RESPONSE). Each APDU goes through `transmit`, which traces it.
 */
export async function exchange(transmit: Transmit, command: Buffer, automatic: boolean): Promise<ResponseApdu> {
  let response = parseResponse(await transmit(command));
  if (!automatic) return response;

  let current = command;
  if (response.sw >> 8 === 0x6c) {
    const resent = resendWithLe(current, response.sw & 0xff);
    if (resent) {
      current = resent;
      response = parseResponse(await transmit(current));
    }
  }

  const chunks: Buffer[] = [];
  const cla = getResponseCla(command[0] ?? 0);
  const getResponse = (le: number): Buffer => Buffer.from([cla, Ins.GET_RESPONSE, 0x00, 0x00, le]);
  for (let round = 0; response.sw >> 8 === 0x61; round++) {
    if (round === MAX_GET_RESPONSE_ROUNDS) {
      throw new HarnessError(HarnessCodes.CARD_ERROR, `the card kept answering 61xx after ${MAX_GET_RESPONSE_ROUNDS} GET RESPONSE commands`);
    }
    chunks.push(response.data);
    response = parseResponse(await transmit(getResponse(response.sw & 0xff)));
    if (response.sw >> 8 === 0x6c) response = parseResponse(await transmit(getResponse(response.sw & 0xff)));
  }
  if (chunks.length === 0) return response;
  chunks.push(response.data);
  return { data: Buffer.concat(chunks), sw: response.sw };
}

/** The command with the Le the card asked for, or undefined when the command cannot be re-encoded. */
function resendWithLe(command: Buffer, le: number): Buffer | undefined {
  try {
    return withLe(command, le);
  } catch (error) {
    if (error instanceof ApduFormatError) return undefined;
    throw error;
  }
}
