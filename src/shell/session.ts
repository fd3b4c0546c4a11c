import { codedMessage } from '../quiet-errors.js';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import { describeAtr, parseAtr } from '../../core/apdu/atr.js';
import { hexByte, parseHex, toHex } from '../../core/apdu/hex.js';
import { describeStatusWord } from '../../core/apdu/status.js';
import { HarnessCodes, HarnessError } from '../../core/errors.js';
import { isExpectableCode } from '../expected-codes.js';
import type { Catalog } from '../i18n/catalog.js';
import type { CardConnection } from '../pcsc/client.js';
import { ContainerTarget } from '../targets/container.js';
import { HardwareTarget } from '../targets/hardware.js';
import { SimulatorTarget } from '../targets/simulator.js';
import type { Target, TargetName } from '../targets/target.js';
import { expand, secretHexBytes, type Expansion } from '../text/expand.js';
import { formatCommand, maskSecrets } from '../trace/mask.js';
import { ApduTrace } from '../trace/trace.js';
import { exchangeLines } from './display.js';
import { parseShellLine, type ShellCommand } from './line.js';
import { PIN_VARIABLE, renderFeature, type FeatureHeader, type RecordedEvent } from './recorder.js';
import { parseScript, type ScriptItem } from './scriptor.js';

export interface ShellOptions {
  target: TargetName;
  /** The card profile (simulator, container: the card made; hardware: the ATR waited for). */
  card?: string | undefined;
  /** Simulator: the vpcd reader (0, 1 or its name); hardware: a reader selector. */
  reader?: string | undefined;
  /** The hardware target's configuration file. */
  config?: string | undefined;
  catalog: Catalog;
  /** Where answers go, a line at a time. */
  out: (line: string) => void;
  /** Where errors go. */
  err: (line: string) => void;
  env?: Readonly<Record<string, string | undefined>>;
}

/** What a line did: carried out, failed (the shell goes on; a pipe ends with exit 1), or asked to leave. */
export type Outcome = 'ok' | 'failed' | 'quit';

/** The vpcd slot of `--reader` on the simulator: 0, 1, ... or "Virtual PCD 00 0N". */
function simulatorSlot(reader: string | undefined): number | undefined {
  if (reader === undefined) return undefined;
  const match = /^(?:\d+|Virtual PCD 00 0?(\d+))$/.exec(reader.trim());
  if (!match) {
    throw new HarnessError(HarnessCodes.BAD_USAGE, `--reader "${reader}": on the simulator target give the vpcd reader's number (0, 1) or name ("Virtual PCD 00 01")`);
  }
  return Number(match[1] ?? reader.trim());
}

function createShellTarget(options: ShellOptions): Target {
  switch (options.target) {
    case 'simulator':
      return new SimulatorTarget({ defaultCard: options.card, ...(options.reader !== undefined ? { slot: simulatorSlot(options.reader)! } : {}) });
    case 'container':
      if (options.reader !== undefined) throw new HarnessError(HarnessCodes.BAD_USAGE, '--reader is not available on the container target: its card is in the container\'s own reader');
      return new ContainerTarget({ defaultCard: options.card, onImageBuildOutput: (line) => options.err(`docker build: ${line}`) });
    case 'hardware':
      return new HardwareTarget({ defaultCard: options.card, config: options.config, reader: options.reader, env: options.env });
  }
}

/** Where a recording goes and what it holds so far. */
interface Recording {
  file: string;
  header: FeatureHeader;
  events: RecordedEvent[];
}

/**
 * One `cardspec shell` session: a target started, a card connected, and the commands of
 * the person (or of a pipe, or of a scriptor script) carried out one at a time. The card
 * path is the one runs take (the target, the PC/SC client with its GET RESPONSE handling,
 * the hardware PIN guard), so what works here works in a feature.
 */
export class ShellSession {
  /** Whether 61xx/6Cxx answers are followed up, as in features. */
  automatic = true;
  /** Values that came from `${env:...}`: masked in everything shown and kept. */
  readonly secrets = new Set<string>();
  /** Byte strings the environment put into APDUs: where the hardware guard looks for the configured card PIN. */
  private readonly secretBytes = new Set<string>();
  private readonly trace = new ApduTrace();
  /** The target's own connection (its reader, its card). */
  private own: CardConnection | undefined;
  /** A connection to another reader chosen with `reader N`, when one is in use. */
  private other: CardConnection | undefined;
  private recording: Recording | undefined;
  private interruptRequested = false;
  private readonly env: Readonly<Record<string, string | undefined>>;

  private constructor(
    private readonly target: Target,
    private readonly options: ShellOptions,
  ) {
    this.env = options.env ?? process.env;
  }

  /** Starts the target and connects to its card; on failure, whatever started is stopped. */
  static async open(options: ShellOptions): Promise<ShellSession> {
    const session = new ShellSession(createShellTarget(options), options);
    try {
      await session.target.start();
      session.target.beginScenario({ tags: [], secretBytes: session.secretBytes });
      session.own = await session.target.insertCard(options.card, session.trace);
    } catch (error) {
      await session.target.stop();
      throw error;
    }
    return session;
  }

  private get m(): Catalog['messages'] {
    return this.options.catalog.messages;
  }

  private get connection(): CardConnection {
    const connection = this.other ?? this.own;
    if (!connection) throw new HarnessError(HarnessCodes.NO_CARD, 'no card is connected');
    return connection;
  }

  get readerName(): string {
    return this.connection.readerName;
  }

  get protocol(): string {
    return this.connection.protocol;
  }

  get isRecording(): boolean {
    return this.recording !== undefined;
  }

  /** The status word's meaning in the catalog's language. */
  readonly describe = (sw: number): string => describeStatusWord(sw, this.options.catalog.statusWords);

  /** Asks a running script to stop after the APDU on its way. */
  interrupt(): void {
    this.interruptRequested = true;
  }

  private mask(text: string): string {
    return maskSecrets(text, this.secrets);
  }

  private print(line: string): void {
    this.options.out(this.mask(line));
  }

  private fail(message: string): 'failed' {
    this.options.err(this.mask(this.m.error(message)));
    return 'failed';
  }

  /** Carries out one line; errors are printed, never thrown. */
  async execute(line: string): Promise<Outcome> {
    try {
      return await this.run(parseShellLine(line));
    } catch (error) {
      return this.fail(codedMessage(error));
    }
  }

  private async run(command: ShellCommand): Promise<Outcome> {
    switch (command.kind) {
      case 'empty':
        return 'ok';
      case 'comment':
        this.record({ kind: 'comment', text: command.text });
        return 'ok';
      case 'apdu':
        return this.send(command.text);
      case 'select':
        return this.select(command.id);
      case 'verify':
        return this.verify(command.reference, command.pin);
      case 'atr':
        return this.atr();
      case 'reset':
      case 'cold':
        return this.reset(command.kind);
      case 'readers':
        return this.listReaders();
      case 'reader':
        return this.useReader(command.index);
      case 'run':
        return this.runScript(command.file);
      case 'record':
        return this.startRecording(command.file);
      case 'stop':
        return this.stopRecording();
      case 'auto':
        this.automatic = command.on;
        this.record({ kind: 'auto', on: command.on });
        this.print(this.m.autoState(command.on));
        return 'ok';
      case 'help':
        this.print(this.m.help);
        return 'ok';
      case 'quit':
        return 'quit';
      case 'usage':
        return this.fail(this.m.usage[command.command]);
      case 'unknown':
        return this.fail(this.m.unknownCommand(command.word));
    }
  }

  /**
   * Sends a line of hex (with `${...}` forms) as features do, shows the answer and records
   * it. A PC/SC or guard error is shown and, while recording, becomes `Then it fails with`.
   */
  private async send(typed: string): Promise<Outcome> {
    const expansion = this.expand(typed);
    const command = parseHex(expansion.text);
    for (const bytes of secretHexBytes(expansion)) this.secretBytes.add(bytes);
    const connection = this.connection;
    this.trace.clear();
    try {
      const response = await connection.transmit(command, this.automatic);
      for (const line of exchangeLines({ entries: this.trace.entries, response }, { describe: this.describe, milliseconds: this.m.milliseconds })) this.print(line);
      this.record({ kind: 'apdu', typed, command, response });
      return 'ok';
    } catch (error) {
      for (const line of exchangeLines({ entries: this.trace.entries, response: undefined }, { describe: this.describe, milliseconds: this.m.milliseconds })) this.print(line);
      const code = (error as { code?: unknown }).code;
      // Only what the card or reader did can be expected in a feature; a harness mistake is left out, with a note.
      if (typeof code === 'string' && isExpectableCode(code)) this.record({ kind: 'apdu', typed, command, error: code });
      else this.record({ kind: 'comment', text: `left out: ${formatCommand(command)} failed with ${typeof code === 'string' ? code : 'an error'}` });
      throw error;
    } finally {
      this.trace.clear();
    }
  }

  /** SELECT by file id (2 bytes, no answer data asked) or by DF name (FCI asked, Le = 00). */
  private select(id: string): Promise<Outcome> {
    const bytes = parseHex(this.expand(id).text);
    if (bytes.length === 2) return this.send(`00 A4 00 0C 02 ${toHex(bytes)}`);
    if (bytes.length >= 1 && bytes.length <= 16) return this.send(`00 A4 04 00 ${hexByte(bytes.length)} ${toHex(bytes)} 00`);
    return Promise.resolve(this.fail(this.m.badSelect(id)));
  }

  /** The `${...}` forms of typed text expanded; the secrets they read are masked from then on. */
  private expand(text: string): Expansion {
    const expansion = expand(text, { saved: new Map(), env: this.env });
    for (const secret of expansion.secrets) this.secrets.add(secret);
    return expansion;
  }

  /**
   * VERIFY with the PIN as text (ISO 7816-4 11.5.6, P1 00, P2 the reference), or without
   * data to read the tries left. The APDU is written with the PIN as `${ascii:...}`, so a
   * recording and the history see the form typed, never the bytes of `${env:...}`.
   */
  private verify(reference: number, pin: string | undefined): Promise<Outcome> {
    const header = `00 20 00 ${hexByte(reference)}`;
    if (pin === undefined) return this.send(header);
    const value = this.expand(pin);
    const length = Buffer.byteLength(value.text, 'latin1');
    if (length === 0 || length > 255) throw new HarnessError(HarnessCodes.BAD_USAGE, `a PIN of ${length} characters cannot go into a VERIFY`);
    return this.send(`${header} ${hexByte(length)} \${ascii:${pin}}`);
  }

  private atr(): Outcome {
    const atr = this.connection.atr;
    for (const line of describeAtr(parseAtr(atr))) this.print(line);
    this.record({ kind: 'atr', atr });
    return 'ok';
  }

  private async reset(kind: 'reset' | 'cold'): Promise<Outcome> {
    const connection = this.connection;
    if (kind === 'reset') await connection.reset();
    else await connection.powerCycle();
    const atr = toHex(connection.atr);
    this.print(kind === 'reset' ? this.m.resetDone(atr) : this.m.coldDone(atr));
    this.record({ kind });
    return 'ok';
  }

  private listReaders(): Outcome {
    const readers = this.target.pcsc.listReaders();
    if (readers.length === 0) this.print(this.m.noReaders);
    for (const [index, reader] of readers.entries()) {
      const mark = reader.name === this.readerName ? ' *' : '';
      this.print(`${index}: ${reader.name}${mark}`);
      this.print(`   ${reader.present && reader.atr ? this.m.atrLine(toHex(reader.atr)) : this.m.noCard}`);
    }
    return 'ok';
  }

  /**
   * Another reader: connected as it is (no reset), with the PIN guard on hardware. The
   * target's own card stays connected, to come back to.
   */
  private async useReader(index: number): Promise<Outcome> {
    const readers = this.target.pcsc.listReaders();
    const reader = readers[index];
    if (!reader) return this.fail(this.m.noSuchReader(index, readers.length));
    if (reader.name !== this.readerName) {
      this.dropOther();
      if (reader.name !== this.own?.readerName) {
        const connection = await this.target.pcsc.connect(reader.name, this.trace);
        if (this.target instanceof HardwareTarget) connection.guard = this.target.cardGuard();
        this.other = connection;
      }
    }
    this.print(this.m.readerChosen(reader.name));
    return 'ok';
  }

  private dropOther(): void {
    this.other?.disconnect();
    this.other = undefined;
  }

  /** Runs a scriptor script line by line, as scriptor does; stops at the first failure or on Ctrl-C. */
  async runScript(file: string): Promise<Outcome> {
    const items = parseScript(readFileSync(file, 'utf8'), file);
    return this.runItems(items, file);
  }

  async runItems(items: readonly ScriptItem[], file: string): Promise<Outcome> {
    this.interruptRequested = false;
    for (const item of items) {
      if (this.interruptRequested) {
        this.print(this.m.interrupted);
        this.print(this.m.scriptStopped(file, item.line));
        return 'failed';
      }
      let outcome: Outcome;
      if (item.kind === 'comment') {
        this.print(`# ${item.text}`);
        this.record({ kind: 'comment', text: item.text });
        continue;
      } else if (item.kind === 'reset') {
        this.print('> reset');
        outcome = await this.execute('reset');
      } else {
        this.print(`> ${item.hex}`);
        outcome = await this.execute(item.hex);
      }
      if (outcome === 'failed') {
        this.print(this.m.scriptStopped(file, item.line));
        return 'failed';
      }
    }
    return 'ok';
  }

  /**
   * Starts a recording into `file` (`.feature` added when missing). The card is made fresh
   * as a run makes it ("Given a card is inserted": a new card on the simulator, a reset on
   * hardware), so the feature starts from the state the session starts from.
   */
  async startRecording(file: string, header: Partial<FeatureHeader> = {}): Promise<Outcome> {
    if (this.recording) return this.fail(this.m.alreadyRecording(this.recording.file));
    const path = resolve(extname(file) === '.feature' ? file : `${file}.feature`);
    if (existsSync(path)) return this.fail(this.m.fileExists(path));
    if (this.other) {
      this.dropOther();
      this.print(this.m.recordOtherReader(this.own?.readerName ?? ''));
    }
    this.own = await this.target.insertCard(this.options.card, this.trace);
    this.trace.clear();
    const name = basename(path, '.feature');
    const date = new Date().toISOString().slice(0, 16).replace('T', ' ');
    this.recording = {
      file: path,
      events: [],
      header: {
        feature: name,
        scenario: `${name}, as recorded`,
        profile: this.options.card,
        pinFromEnv: this.env[PIN_VARIABLE] || undefined,
        notes: [`Recorded with cardspec shell on ${date} UTC, ${this.target.name} target, reader "${this.readerName}", ATR ${toHex(this.connection.atr)}.`],
        ...header,
      },
    };
    this.writeRecording();
    this.print(this.m.recordStarted(path));
    return 'ok';
  }

  /** Writes the feature and ends the recording. */
  stopRecording(): Outcome {
    const recording = this.recording;
    if (!recording) return this.fail(this.m.notRecording);
    this.writeRecording();
    this.recording = undefined;
    const exchanges = recording.events.filter((e) => e.kind === 'apdu').length;
    this.print(this.m.recordWritten(recording.file, exchanges));
    const usesPin = readFileSync(recording.file, 'utf8').includes(`\${env:${PIN_VARIABLE}}`);
    const targetOption = this.target.name === 'simulator' ? '' : ` --target ${this.target.name}`;
    this.print(this.m.runItWith(`${usesPin ? `${PIN_VARIABLE}=... ` : ''}npx cardspec run${targetOption} ${recording.file}`));
    return 'ok';
  }

  private record(event: RecordedEvent): void {
    if (!this.recording) return;
    this.recording.events.push(event);
    // Written at every event, so that a session cut short still leaves its feature.
    this.writeRecording();
  }

  private writeRecording(): void {
    if (!this.recording) return;
    writeFileSync(this.recording.file, renderFeature(this.recording.header, this.recording.events));
  }

  /**
   * Ends the session and leaves things clean: the recording written, a physical card reset
   * (no verified PIN stays behind), every connection released, the simulator's card taken
   * out once pcscd has seen it go, the target's daemons and containers stopped.
   */
  async close(): Promise<void> {
    try {
      if (this.recording) this.stopRecording();
      if (this.target.name === 'hardware') {
        for (const connection of [this.other, this.own]) {
          if (connection?.connected) await connection.reset().catch(() => undefined);
        }
      }
    } finally {
      this.dropOther();
      await this.target.stop();
    }
  }
}
