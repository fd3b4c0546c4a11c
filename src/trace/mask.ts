import { toHex } from '../apdu/hex.js';

/** INS bytes whose command data is a PIN, a PUK or a new PIN: VERIFY, CHANGE REFERENCE DATA, RESET RETRY COUNTER. */
export const SECRET_DATA_INS = new Set([0x20, 0x24, 0x2c]);

/** What stands for a masked value in traces, logs and reports. */
export const MASK = '***';

/**
 * A command APDU as hex for people: the header and length fields as sent, the data of
 * VERIFY, CHANGE REFERENCE DATA and RESET RETRY COUNTER replaced by `***`.
 */
export function formatCommand(command: Uint8Array): string {
  if (command.length > 5 && SECRET_DATA_INS.has(command[1]!)) {
    const extended = command[4] === 0 && command.length > 7;
    const headerLength = extended ? 7 : 5;
    return `${toHex(command.subarray(0, headerLength))} ${MASK}`;
  }
  return toHex(command);
}

/**
 * Masks every secret in a text: the secret as written and, for secrets that are hex, the
 * same bytes as spaced hex (how traces print them).
 */
export function maskSecrets(text: string, secrets: Iterable<string>): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length === 0) continue;
    out = out.split(secret).join(MASK);
    if (/^([0-9A-Fa-f]{2})+$/.test(secret)) {
      const spaced = toHex(Buffer.from(secret, 'hex'));
      out = out.split(spaced).join(MASK);
    }
  }
  return out;
}
