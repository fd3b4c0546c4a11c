import { join } from 'node:path';
import { SOCKET_NAMES } from '../../core/control/protocol.js';
import { stackVersions } from '../../core/daemons.js';
import { DEFAULT_PROFILE, loadProfile } from '../../core/profile/index.js';
import { DEFAULT_TOKEN_PINS, type TokenPins } from '../../core/softhsm.js';
import { vpcdReaderName } from '../../core/vpcd.js';
import { ControlServer } from '../../simulator/control/server.js';
import { endsItselfOnSignals, runFolder, type RunFolder } from '../cleanup.js';
import { HarnessCodes, HarnessError } from '../../core/errors.js';
import { PcscContext } from '../pcsc/client.js';
import { ContainerTarget } from '../targets/container.js';
import { ensurePcscd, type ManagedPcscd } from '../targets/pcscd.js';
import type { TokenAccess } from '../pkcs11/token.js';
import { CARD_EVENT_TIMEOUT_MS } from '../targets/card-flow.js';
import { pkcs11ModuleForCard } from '../targets/card-modules.js';
import type { CardProfile } from '../../core/profile/types.js';
import { checkReaderFree, waitUntilSeenEmpty } from '../targets/simulator.js';
import { profileSource } from '../targets/container-host.js';
import { userModuleCode } from '../targets/user-module.js';
import { SoftHsmTokens } from '../targets/softhsm.js';
import { last, parseArgs } from './args.js';

export const SIM_HELP = `Usage: cardspec sim [--card PROFILE]... [--token LABEL]... [--user-pin PIN] [--so-pin PIN] [--slot N] [--target simulator|container]

Starts the simulator and keeps it running for any PC/SC or PKCS#11 client (pcsc_scan,
opensc-tool, pyscard, PyKCS11, pkcs11-tool). Each --card puts a card in the next vpcd
reader, from reader N of --slot on (default 0: "Virtual PCD 00 00"; default card: one
${DEFAULT_PROFILE}); each --token makes a SoftHSM token (user PIN ${DEFAULT_TOKEN_PINS.userPin}, SO PIN
${DEFAULT_TOKEN_PINS.soPin}, or those of --user-pin and --so-pin). A card that middleware reads
(--card piv: OpenSC) gets its PKCS#11 module as CARDSPEC_PKCS11_MODULE_<n>, and as
PKCS11_MODULE when there is no --token. CARDSPEC_CONTROL names its control channel, where
\`cardspec card\` makes the cards misbehave on purpose (docs/faults.md). Prints shell export
lines, then "ready", and runs until SIGINT or SIGTERM; then it removes all it made.`;


function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** The export lines of the tokens: the module and its environment once, then a line per token. */
function tokenLines(tokens: { label: string; access: TokenAccess }[]): string[] {
  const first = tokens[0]?.access;
  if (!first) return [];
  return [
    `export PKCS11_MODULE=${shellQuote(first.modulePath)}`,
    ...Object.entries(first.env).map(([name, value]) => `export ${name}=${shellQuote(value)}`),
    // The simulator's own tokens: their PINs are test values (defaults or --user-pin/--so-pin), not secrets.
    ...tokens.map(({ label, access }) => `# token ${shellQuote(label)}: user PIN ${access.userPin}, SO PIN ${access.soPin}`),
  ];
}

/**
 * The module of each card that middleware serves (a PIV card: opensc-pkcs11.so), as
 * CARDSPEC_PKCS11_MODULE_<i>; and PKCS11_MODULE too when no SoftHSM token claims it.
 */
function cardModuleLines(profiles: CardProfile[], withTokens: boolean): string[] {
  const lines: string[] = [];
  for (const [index, profile] of profiles.entries()) {
    const module = pkcs11ModuleForCard(profile);
    if (module === undefined) continue;
    if (!withTokens && !lines.some((l) => l.startsWith('export PKCS11_MODULE='))) lines.push(`export PKCS11_MODULE=${shellQuote(module)}`);
    lines.push(`export CARDSPEC_PKCS11_MODULE_${index}=${shellQuote(module)}  # ${profile.name}: the card's PKCS#11 module`);
  }
  return lines;
}

/**
 * Prints the export lines and `ready`, then waits for SIGINT or SIGTERM and stops; a
 * failure while starting stops what was started, too.
 */
async function serve(start: () => Promise<string[]>, stop: () => Promise<void>, made: () => string): Promise<number> {
  endsItselfOnSignals();
  const signalled = new Promise<string>((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve(signal));
  });
  try {
    console.log((await start()).join('\n'));
    console.log('ready');
  } catch (error) {
    await stop();
    throw error;
  }
  const signal = await signalled;
  await stop();
  console.error(`stopped (${signal}); removed ${made()}`);
  return 0;
}

export async function sim(argv: string[]): Promise<number> {
  const args = parseArgs(argv, ['card', 'token', 'target', 'slot', 'user-pin', 'so-pin'], ['help']);
  if (args.flags.has('help')) {
    console.log(SIM_HELP);
    return 0;
  }
  if (args.positionals.length) throw new HarnessError(HarnessCodes.BAD_USAGE, `unexpected argument "${args.positionals[0]}"`);
  const target = last(args, 'target') ?? 'simulator';
  if (target !== 'simulator' && target !== 'container') {
    throw new HarnessError(HarnessCodes.BAD_USAGE, `cardspec sim --target ${target} is not available: use --target simulator or --target container`);
  }
  const firstSlot = Number(last(args, 'slot') ?? 0);
  if (!Number.isInteger(firstSlot) || firstSlot < 0) throw new HarnessError(HarnessCodes.BAD_USAGE, `--slot takes a reader number (0, 1, ...), not "${last(args, 'slot')}"`);
  const profiles = args.options.get('card') ?? [DEFAULT_PROFILE];
  const labels = args.options.get('token') ?? [];
  // Load every profile first, so a mistake stops the command before anything starts.
  const loaded = profiles.map((profile) => loadProfile(profile));
  const pins = { userPin: last(args, 'user-pin') ?? DEFAULT_TOKEN_PINS.userPin, soPin: last(args, 'so-pin') ?? DEFAULT_TOKEN_PINS.soPin };
  const moduleLines = cardModuleLines(loaded, labels.length > 0);
  if (target === 'container') return simInContainer(profiles, labels, firstSlot, pins, moduleLines);
  return simEmbedded(profiles, loaded, labels, firstSlot, pins, moduleLines);
}

/**
 * `cardspec sim`: the cards in this process, behind the system pcscd's vpcd readers, moved
 * by the same control server as in the container, on a socket in a folder of this run.
 */
async function simEmbedded(profiles: string[], loaded: CardProfile[], labels: string[], firstSlot: number, pins: TokenPins, moduleLines: string[]): Promise<number> {
  const tokens = labels.length ? new SoftHsmTokens(pins) : undefined;
  const usedSlots = profiles.map((_, index) => firstSlot + index);
  let pcscd: ManagedPcscd | undefined;
  let pcsc: PcscContext | undefined;
  let server: ControlServer | undefined;
  let controlFolder: RunFolder | undefined;
  const stop = async (): Promise<void> => {
    await server?.close();
    if (pcsc) for (const slot of usedSlots) await waitUntilSeenEmpty(pcsc, vpcdReaderName(slot));
    pcsc?.close();
    await tokens?.dispose();
    await pcscd?.stop();
    await controlFolder?.remove();
  };
  const start = async (): Promise<string[]> => {
    pcscd = await ensurePcscd();
    pcsc = PcscContext.open();
    const readers = new Map(pcsc.listReaders().map((r) => [r.name, r]));
    for (const [index, slot] of usedSlots.entries()) {
      const info = readers.get(vpcdReaderName(slot));
      if (!info) {
        throw new HarnessError(HarnessCodes.UNKNOWN_READER, `pcscd has no reader "${vpcdReaderName(slot)}" for card ${index + 1}: add vpcd entries to /etc/reader.conf.d and restart pcscd`);
      }
      checkReaderFree(info);
    }
    controlFolder = await runFolder('sim');
    const controlSocket = join(controlFolder.dir, SOCKET_NAMES.control);
    server = new ControlServer({ socketPath: controlSocket, slotCount: firstSlot + profiles.length, versions: await stackVersions() });
    await server.listen();
    const lines = [`export CARDSPEC_CONTROL=${shellQuote(controlSocket)}`];
    for (const [index, slot] of usedSlots.entries()) {
      // A profile with a card module goes as files with the module's code, as to the container.
      const status = await server.handle({ op: 'insert', slot, profile: profileSource(profiles[index]!, await userModuleCode(loaded[index]!)) });
      await pcsc.waitForCard(status.reader, CARD_EVENT_TIMEOUT_MS);
      lines.push(`export CARDSPEC_READER_${index}=${shellQuote(status.reader)}  # ${profiles[index]}`);
    }
    const made = [];
    for (const label of labels) made.push({ label, access: await tokens!.token(label) });
    return [...lines, ...moduleLines, ...tokenLines(made)];
  };
  return serve(start, stop, () => described(usedSlots.length, labels.length, [...(labels.length ? ['their temporary folder'] : []), ...(pcscd?.startedHere ? ['the pcscd it started'] : [])]));
}

/** What a stop removed, in words: "2 virtual cards, 1 SoftHSM token, their temporary folder and the pcscd it started". */
function described(cards: number, tokens: number, more: readonly string[]): string {
  const plural = (n: number, what: string): string => `${n} ${what}${n === 1 ? '' : 's'}`;
  const parts = [plural(cards, 'virtual card'), ...(tokens ? [plural(tokens, 'SoftHSM token')] : []), ...more];
  return parts.length === 1 ? parts[0]! : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
}

/**
 * `cardspec sim --target container`: the same stack in the simulator container. The
 * exports point PC/SC and PKCS#11 clients at the sockets in the bind-mounted folder.
 */
async function simInContainer(profiles: string[], labels: string[], firstSlot: number, pins: TokenPins, moduleLines: string[]): Promise<number> {
  const target = new ContainerTarget({ ...pins, onImageBuildOutput: (line) => console.error(`docker build: ${line}`) });
  const start = async (): Promise<string[]> => {
    await target.start();
    const lines = [
      `export PCSCLITE_CSOCK_NAME=${shellQuote(target.started.getPcscdSocketPath())}`,
      `export CARDSPEC_CONTROL=${shellQuote(target.started.getControlSocketPath())}`,
    ];
    for (const [index, profile] of profiles.entries()) {
      const reader = await target.putCard(firstSlot + index, profile);
      lines.push(`export CARDSPEC_READER_${index}=${shellQuote(reader)}  # ${profile}`);
    }
    const made = [];
    for (const label of labels) made.push({ label, access: await target.token(label) });
    return [...lines, ...moduleLines, ...tokenLines(made)];
  };
  return serve(start, () => target.stop(), () => `the simulator container (${described(profiles.length, labels.length, [])})`);
}
