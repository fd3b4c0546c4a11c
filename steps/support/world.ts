import { World, type IWorldOptions } from '@cucumber/cucumber';
import type { ResponseApdu } from '../../core/apdu/apdu.js';
import { parseHex } from '../../core/apdu/hex.js';
import { HarnessCodes, HarnessError } from '../../core/errors.js';
import { isExpectableCode } from '../../src/expected-codes.js';
import { defaultApduTimeoutMs, type CardConnection } from '../../src/pcsc/client.js';
import type { Target, TargetName } from '../../src/targets/target.js';
import type { TokenBackend } from '../../src/targets/token-card.js';
import { expand, secretHexBytes, unescapeText, type Expansion } from '../../src/text/expand.js';
import { maskSecrets } from '../../src/trace/mask.js';
import { ApduTrace } from '../../src/trace/trace.js';
import { KEPT_PREFIX, SKIPPED_PREFIX } from './log-lines.js';
import type { Pkcs11Scenario } from '../../src/pkcs11/scenario.js';

/** World parameters, set by the cucumber profile (`-p simulator`) or by `cardspec run`. */
export interface CardspecParameters {
  target: TargetName;
  /** The default card profile for "Given a card is inserted". */
  card?: string;
  /** The hardware target's configuration file. */
  config?: string;
  /** Where PKCS#11 tokens come from on the simulator and container targets (`--token-backend`, `-p piv`). */
  tokenBackend?: TokenBackend;
}

/** `Then it fails with CODE`: the step text, and the code it names. */
export const FAILS_WITH = /^it fails with (\S+)$/;

/** An error a step kept for `Then it fails with CODE`, and the step that kept it. */
export interface KeptError {
  error: Error & { code?: string };
  step: string;
}

/**
 * The state of one scenario: its card connection, last response, saved values, secrets,
 * APDU trace and kept error. A new World is made for every scenario, so nothing leaks from
 * one scenario to the next; the target (pcscd, cards, tokens) lives for the whole worker.
 */
export class CardspecWorld extends World<CardspecParameters> {
  readonly saved = new Map<string, string>();
  /** Values that must be masked wherever the scenario is shown. */
  readonly secrets = new Set<string>();
  /** Byte strings (upper-case hex) that values from the environment put into hex parameters. */
  readonly secretBytes = new Set<string>();
  readonly trace = new ApduTrace();
  /** Set by the Before hook. */
  target!: Target;
  /** The scenario's tags (`@token-objects`...), set by the Before hook: one hook, not one per step file. */
  tags: readonly string[] = [];
  private currentConnection: CardConnection | undefined;
  private timeoutMs = defaultApduTimeoutMs();
  response: ResponseApdu | undefined;
  kept: KeptError | undefined;
  /** Automatic GET RESPONSE: on at the start of every scenario. */
  automaticGetResponse = true;

  /** The connection to the card in the reader; a new one takes the scenario's APDU timeout. */
  get connection(): CardConnection | undefined {
    return this.currentConnection;
  }

  set connection(connection: CardConnection | undefined) {
    this.currentConnection = connection;
    if (connection) connection.responseTimeoutMs = this.timeoutMs;
  }

  /** How long an APDU may take before the card counts as mute (`Given the APDU timeout is N ms`); the connection follows. */
  get apduTimeoutMs(): number {
    return this.timeoutMs;
  }

  set apduTimeoutMs(timeoutMs: number) {
    this.timeoutMs = timeoutMs;
    if (this.currentConnection) this.currentConnection.responseTimeoutMs = timeoutMs;
  }
  /** The PKCS#11 side of the scenario, opened by the first PKCS#11 step. */
  pkcs11: Pkcs11Scenario | undefined;
  /** The texts of the scenario's steps and the index of the one being run (set by the hooks). */
  stepTexts: readonly string[] = [];
  stepIndex = -1;

  /** The text of the step being run, for kept errors. */
  get currentStep(): string {
    return this.stepTexts[this.stepIndex] ?? '';
  }
  /** The scenario's feature file (relative to the working folder), for paths written in it. */
  featureFile = '';

  constructor(options: IWorldOptions<CardspecParameters>) {
    super(options);
    // What a step attaches or logs goes into every report: secrets are masked on the way,
    // also for user steps that call this.log or this.attach with expanded values.
    const { attach, log } = options;
    const writable = this as { attach: IWorldOptions['attach']; log: IWorldOptions['log'] };
    writable.log = (text) => log(maskSecrets(text, this.secrets));
    writable.attach = ((data: unknown, options?: unknown) => {
      const mediaType = typeof options === 'string' ? options : (options as { mediaType?: string } | undefined)?.mediaType;
      const isText = mediaType === undefined || mediaType.startsWith('text/') || mediaType.endsWith('json');
      if (typeof data === 'string' && isText) data = maskSecrets(data, this.secrets);
      else if (Buffer.isBuffer(data) && isText) data = Buffer.from(maskSecrets(data.toString('utf8'), this.secrets), 'utf8');
      return (attach as (d: unknown, o?: unknown) => unknown)(data, options);
    }) as IWorldOptions['attach'];
  }

  /** A string parameter with its `${...}` forms expanded; env values become secrets. */
  expandText(text: string): string {
    return this.expansion(text).text;
  }

  private expansion(text: string): Expansion {
    const expansion = expand(text, { saved: this.saved, env: process.env });
    for (const secret of expansion.secrets) this.secrets.add(secret);
    return expansion;
  }

  /**
   * Whether an expanded text holds a secret: then a failed comparison must not tell the
   * expected bytes one by one (masking whole values cannot hide a single byte).
   */
  holdsSecret(expanded: string): boolean {
    const compact = expanded.replace(/[\s:]/g, '').toUpperCase();
    for (const secret of this.secrets) {
      const secretCompact = secret.replace(/[\s:]/g, '').toUpperCase();
      if (secretCompact.length > 0 && (expanded.includes(secret) || compact.includes(secretCompact))) return true;
    }
    return false;
  }

  /** Text that is not hex (messages, labels, plaintexts): expanded, with `\n` and `\t`. */
  text(text: string): string {
    return unescapeText(this.expandText(text));
  }

  /**
   * Hex parameter: expanded, then parsed; malformed hex fails the step at once. The bytes
   * a secret put into it verbatim (`${env:PIN}`, `${ascii:${env:PIN}}`) are noted for the
   * hardware PIN guard, which trusts the configured card PIN only where it came in so.
   */
  hex(text: string): Buffer {
    const expansion = this.expansion(text);
    const bytes = parseHex(expansion.text);
    for (const bytes of secretHexBytes(expansion)) this.secretBytes.add(bytes);
    return bytes;
  }

  /** The connected card, or a clear error when no step inserted one. */
  requireConnection(): CardConnection {
    if (!this.connection) {
      throw new HarnessError(HarnessCodes.NO_CARD, 'no card is connected: start the scenario with "Given a card is inserted"');
    }
    return this.connection;
  }

  /**
   * Sends a command APDU to the connected card, the way "When I send the APDU" does: hex
   * text is expanded and parsed first (`${env:...}` values become secrets), the command
   * passes the target's PIN guard, goes into the APDU trace (secrets masked) and follows
   * the automatic GET RESPONSE setting. A PC/SC or harness error is kept for a following
   * `Then it fails with CODE` (the result is then undefined); the response is also kept
   * as `this.response` for the built-in `Then` steps.
   */
  async send(command: Buffer | string): Promise<ResponseApdu | undefined> {
    const bytes = typeof command === 'string' ? this.hex(command) : command;
    const connection = this.requireConnection();
    this.response = undefined;
    const response = await this.attempt(() => connection.transmit(bytes, this.automaticGetResponse));
    this.response = response;
    return response;
  }

  /** The last response, or a clear error when no APDU was sent yet. */
  requireResponse(): ResponseApdu {
    if (!this.response) throw new HarnessError(HarnessCodes.NO_RESPONSE, 'no response yet: send an APDU first');
    return this.response;
  }

  /** The code the next step expects (`Then it fails with CODE`), if it is such a step. */
  nextStepExpects(): string | undefined {
    const next = this.stepTexts[this.stepIndex + 1];
    return next === undefined ? undefined : FAILS_WITH.exec(next)?.[1];
  }

  /** Skips the rest of the scenario, saying why (the reports show the reason): a step returns what this returns. */
  skipRest(reason: string): 'skipped' {
    this.log(`${SKIPPED_PREFIX}${reason}`);
    return 'skipped';
  }

  /**
   * Runs a PC/SC or PKCS#11 call. A failure is kept (and the step passes) only when the
   * next step is `Then it fails with` that very code and the code is one of the card,
   * reader or token; any other failure fails this step, here, with its code.
   */
  async attempt<T>(fn: () => Promise<T>): Promise<T | undefined> {
    try {
      return await fn();
    } catch (error) {
      const expected = this.nextStepExpects();
      if (expected === undefined || !hasCode(error)) throw error;
      if (error.code === expected && isExpectableCode(error.code)) {
        this.kept = { error, step: this.currentStep };
        this.log(`${KEPT_PREFIX}${error.message}`);
        return undefined;
      }
      if (isExpectableCode(error.code)) error.message = `${error.message} (the next step expects ${expected})`;
      throw error;
    }
  }
}

function hasCode(error: unknown): error is Error & { code: string } {
  return error instanceof Error && typeof (error as { code?: unknown }).code === 'string';
}
