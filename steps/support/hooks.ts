import { After, AfterAll, Before, BeforeStep, setDefaultTimeout, setDefinitionFunctionWrapper, setWorldConstructor } from '@cucumber/cucumber';
import { describeStatusWord } from '../../core/apdu/status.js';
import { quietenError } from '../../src/quiet-errors.js';
import { maskSecrets } from '../../src/trace/mask.js';
import { formatTraceEntry } from '../../src/trace/trace.js';
import { closePkcs11Modules } from '../../src/pkcs11/scenario.js';
import type { Target } from '../../src/targets/target.js';
import { startedWorkerTarget, stopWorkerTarget, workerTarget } from './runtime.js';
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

/** Throws a step's or hook's error with its code in front and the scenario's secrets masked. */
function rethrow(world: unknown, error: unknown): never {
  quietenError(error);
  if (world instanceof CardspecWorld && world.secrets.size > 0) maskError(error, world.secrets);
  throw error;
}

/**
 * Every step and hook passes here: what it throws reaches cucumber's reports, so secrets
 * (values from ${env:...}) are masked first, also where a message quotes expanded text,
 * and the error gets its code in front and loses its stack trace (unless verbose).
 */
setDefinitionFunctionWrapper((fn: (...args: unknown[]) => unknown) =>
  function (this: unknown, ...args: unknown[]): unknown {
    try {
      const result = fn.apply(this, args);
      return result instanceof Promise ? result.catch((error: unknown) => rethrow(this, error)) : result;
    } catch (error) {
      return rethrow(this, error);
    }
  },
);

function beginScenario(world: CardspecWorld, target: Target): void {
  world.target = target;
  target.beginScenario({ tags: world.tags, secretBytes: world.secretBytes });
}

// The hooks return a promise only when they have something to wait for (the target's
// start, a PKCS#11 session to close): cucumber gives a hook that returns none its result
// at once, without a timeout timer and an exception handler per hook.
Before(function (this: CardspecWorld, { pickle }): Promise<void> | undefined {
  this.stepTexts = pickle.steps.map((step) => step.text);
  this.featureFile = pickle.uri;
  this.tags = pickle.tags.map((t) => t.name);
  const p = this.parameters;
  const name = p.target ?? 'simulator';
  const started = startedWorkerTarget(name);
  if (started) {
    beginScenario(this, started);
    return undefined;
  }
  return workerTarget(name, p.card, p.config, p.tokenBackend).then((target) => beginScenario(this, target));
});

BeforeStep(function (this: CardspecWorld, { pickle, pickleStep }) {
  this.stepIndex = pickle.steps.findIndex((step) => step.id === pickleStep.id);
});

/** The scenario's APDU trace and PKCS#11 calls, attached for every report (docs/reports.md). */
function attachTraces(world: CardspecWorld): void {
  // The World's attach masks the scenario's secrets.
  if (world.trace.entries.length > 0) {
    const lines = world.trace.entries.map((e) => formatTraceEntry(e, describeStatusWord));
    world.attach(lines.join('\n'), { mediaType: 'text/plain', fileName: APDU_TRACE });
  }
  const calls = world.pkcs11?.calls ?? [];
  if (calls.length > 0) world.attach(formatPkcs11Calls(calls), { mediaType: 'text/plain', fileName: PKCS11_TRACE });
}

After(function (this: CardspecWorld): Promise<void> | undefined {
  const pkcs11 = this.pkcs11;
  if (!pkcs11) {
    attachTraces(this);
    return undefined;
  }
  return (async () => {
    try {
      attachTraces(this);
    } finally {
      await pkcs11.close();
    }
  })();
});

AfterAll(async function () {
  closePkcs11Modules();
  await stopWorkerTarget();
});
