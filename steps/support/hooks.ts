import { After, AfterAll, Before, BeforeStep, setDefaultTimeout, setDefinitionFunctionWrapper, setWorldConstructor } from '@cucumber/cucumber';
import { describeStatusWord } from '../../core/apdu/status.js';
import { quietenError } from '../../src/quiet-errors.js';
import { maskSecrets } from '../../src/trace/mask.js';
import { formatTraceEntry } from '../../src/trace/trace.js';
import { closePkcs11Modules } from '../../src/pkcs11/scenario.js';
import { stopWorkerTarget, workerTarget } from './runtime.js';
import { CardspecWorld } from './world.js';
import { APDU_TRACE, formatPkcs11Calls, PKCS11_TRACE } from './pkcs11-trace.js';

setWorldConstructor(CardspecWorld);
// Waiting for pcscd to see a card insertion takes up to half a second (its polling
// period); container starts and RSA-4096 key generation take longer.
setDefaultTimeout(60_000);

/** An error's message and stack, and its causes', with the scenario's secrets masked. */
function maskError(error: unknown, secrets: ReadonlySet<string>): void {
  for (let e = error; e instanceof Error; e = e.cause) {
    e.message = maskSecrets(e.message, secrets);
    if (e.stack) e.stack = maskSecrets(e.stack, secrets);
  }
}

/**
 * Every step and hook passes here: what it throws reaches cucumber's reports, so secrets
 * (values from ${env:...}) are masked first, also where a message quotes expanded text,
 * and the error gets its code in front and loses its stack trace (unless verbose).
 */
setDefinitionFunctionWrapper((fn: (...args: unknown[]) => unknown) =>
  function (this: unknown, ...args: unknown[]): unknown {
    const rethrow = (error: unknown): never => {
      quietenError(error);
      if (this instanceof CardspecWorld && this.secrets.size > 0) maskError(error, this.secrets);
      throw error;
    };
    try {
      const result = fn.apply(this, args);
      return result instanceof Promise ? result.catch(rethrow) : result;
    } catch (error) {
      return rethrow(error);
    }
  },
);

Before(async function (this: CardspecWorld, { pickle }) {
  this.stepTexts = pickle.steps.map((step) => step.text);
  this.featureFile = pickle.uri;
  const p = this.parameters;
  this.target = await workerTarget(p.target ?? 'simulator', p.card, p.config, p.tokenBackend);
  this.tags = pickle.tags.map((t) => t.name);
  this.target.beginScenario({ tags: this.tags, secretBytes: this.secretBytes });
});

BeforeStep(function (this: CardspecWorld, { pickle, pickleStep }) {
  this.currentStep = pickleStep.text;
  this.stepIndex = pickle.steps.findIndex((step) => step.id === pickleStep.id);
});

After(async function (this: CardspecWorld) {
  try {
    if (this.trace.entries.length > 0) {
      const lines = this.trace.entries.map((e) => formatTraceEntry(e, describeStatusWord));
      this.attach(maskSecrets(lines.join('\n'), this.secrets), { mediaType: 'text/plain', fileName: APDU_TRACE });
    }
    const calls = this.pkcs11?.calls ?? [];
    if (calls.length > 0) {
      this.attach(maskSecrets(formatPkcs11Calls(calls), this.secrets), { mediaType: 'text/plain', fileName: PKCS11_TRACE });
    }
  } finally {
    this.kept = undefined;
    await this.pkcs11?.close();
  }
});

AfterAll(async function () {
  closePkcs11Modules();
  await stopWorkerTarget();
});
