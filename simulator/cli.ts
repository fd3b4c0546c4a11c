/**
 * Runs one virtual card in vpcd's reader until stopped, for a card in its own process
 * (a PC/SC client in the same Node thread as the card must never make a blocking call
 * that needs the card: it would wait for itself).
 *
 *   node dist/simulator/cli.js [--profile iso7816-demo] [--slot 0] [--host 127.0.0.1] [--port N]
 *
 * Prints one line "inserted <reader name> <profile>" once connected; exits on SIGINT or
 * SIGTERM after removing the card, or with status 1 if vpcd closes the connection.
 */
import { parseArgs } from 'node:util';
import { VirtualCard } from './card/virtual-card.js';
import { DEFAULT_PROFILE, loadProfile } from '../core/profile/load.js';
import { VpcdSlot } from './vpcd/slot.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      profile: { type: 'string', default: DEFAULT_PROFILE },
      slot: { type: 'string', default: '0' },
      host: { type: 'string' },
      port: { type: 'string' },
    },
  });
  const profile = loadProfile(values.profile);
  const slot = new VpcdSlot({
    slot: Number(values.slot),
    ...(values.host === undefined ? {} : { host: values.host }),
    ...(values.port === undefined ? {} : { port: Number(values.port) }),
  });
  slot.on('error', (err: Error) => console.error(`vpcd: ${err.message}`));
  slot.on('removed', ({ byPeer }: { byPeer: boolean }) => {
    if (byPeer) {
      console.error('vpcd closed the connection');
      process.exit(1);
    }
  });
  await slot.insert(new VirtualCard(profile));
  console.log(`inserted ${slot.readerName} ${profile.name}`);
  const stop = (): void => {
    void slot.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
