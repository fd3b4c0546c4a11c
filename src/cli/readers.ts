import { readFileSync } from 'node:fs';
import { describeAtr, parseAtr } from '../../core/apdu/atr.js';
import { toHex } from '../../core/apdu/hex.js';
import { PcscContext } from '../pcsc/client.js';

export const READERS_HELP = `Usage: cardspec readers

Lists the PC/SC readers, whether a card is present, its ATR and what the ATR says
(protocols, historical bytes), and the card's name where pcsc-tools' list knows it.`;

/** pcsc-tools' list of known ATRs (Debian package pcsc-tools). */
const SMARTCARD_LIST = '/usr/share/pcsc/smartcard_list.txt';

/**
 * Names for an ATR from smartcard_list.txt: an ATR line (a regular expression of spaced
 * hex) followed by tab-indented description lines.
 */
export function cardNames(atr: Buffer, listText: string): string[] {
  const hex = toHex(atr);
  const names: string[] = [];
  let matching = false;
  for (const line of listText.split('\n')) {
    if (line.startsWith('\t')) {
      if (matching) names.push(line.trim());
    } else if (line.trim() && !line.startsWith('#')) {
      try {
        matching = new RegExp(`^${line.trim()}$`, 'i').test(hex);
      } catch {
        matching = false;
      }
    }
  }
  return names;
}

function readList(): string | undefined {
  try {
    return readFileSync(SMARTCARD_LIST, 'utf8');
  } catch {
    return undefined;
  }
}

export async function readers(argv: string[]): Promise<number> {
  if (argv.includes('--help')) {
    console.log(READERS_HELP);
    return 0;
  }
  const pcsc = PcscContext.open();
  try {
    const list = pcsc.listReaders();
    if (list.length === 0) console.log('no readers');
    const known = readList();
    for (const [index, reader] of list.entries()) {
      console.log(`${index}: ${reader.name}`);
      if (!reader.present || !reader.atr) {
        console.log('   no card');
        continue;
      }
      try {
        // describeAtr's first line is the ATR itself.
        for (const line of describeAtr(parseAtr(reader.atr))) console.log(`   ${line}`);
      } catch (error) {
        console.log(`   ATR: ${toHex(reader.atr)}`);
        console.log(`   the ATR cannot be parsed: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (known === undefined) {
        console.log(`   (install pcsc-tools for card names from ${SMARTCARD_LIST})`);
        continue;
      }
      const names = cardNames(reader.atr, known);
      if (names.length === 0) console.log(`   card: not in ${SMARTCARD_LIST}`);
      for (const name of names) console.log(`   card: ${name}`);
    }
  } finally {
    pcsc.close();
  }
  return 0;
}
