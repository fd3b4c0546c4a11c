import { compactHexOf, toHex } from '../../core/apdu/hex.js';
import { SECRET_DATA_INS } from '../../core/apdu/ins.js';

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
    // A secret written as hex ("31:32 3334") shows in traces as spaced upper-case hex; a
    // text secret (a PIN "1234" is both) shows as the hex of its bytes where data is printed.
    const asHex = compactHexOf(secret);
    const readings = [Buffer.from(secret, 'latin1')];
    if (asHex !== undefined) readings.push(Buffer.from(asHex, 'hex'));
    for (const bytes of readings) for (const form of [toHex(bytes), toHex(bytes, '')]) out = out.split(form).join(MASK);
  }
  return out;
}
