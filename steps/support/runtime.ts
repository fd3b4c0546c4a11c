import type { Target, TargetName } from '../../src/targets/target.js';
import { createTarget } from '../../src/targets/create.js';
import { keyPlanFromEnv } from '../../src/pkcs11/key-plan.js';
import type { TokenBackend } from '../../src/targets/token-card.js';

/**
 * The target of this worker: made by the first scenario's Before hook (world parameters
 * are not visible in BeforeAll) and stopped by AfterAll, or by the process's exit and
 * signal handlers when the run is cut short.
 */
let current: { name: TargetName; target: Target; started: Promise<void>; ready: boolean } | undefined;

export async function workerTarget(
  name: TargetName,
  card: string | undefined,
  config: string | undefined,
  tokenBackend?: TokenBackend,
): Promise<Target> {
  if (!current) {
    const target = createTarget(name, { defaultCard: card, config, tokenBackend });
    // The RSA keys the run's scenarios will ask for are made while the target starts and the first scenarios run.
    target.makeKeysAhead?.(keyPlanFromEnv());
    const started = { name, target, started: target.start(), ready: false };
    current = started;
    void started.started.then(() => (started.ready = true), () => undefined);
  } else {
    checkSameTarget(current.name, name);
  }
  await current.started;
  return current.target;
}

/**
 * The worker's target when it has started, without waiting: every scenario after the
 * first takes it so, and its Before hook then needs no promise (cucumber's timeout timer
 * and exception handler are set up only for hooks that return one).
 */
export function startedWorkerTarget(name: TargetName): Target | undefined {
  if (!current?.ready) return undefined;
  checkSameTarget(current.name, name);
  return current.target;
}

function checkSameTarget(running: TargetName, wanted: TargetName): void {
  if (running !== wanted) throw new Error(`this worker already runs the ${running} target; one run has one target`);
}

export async function stopWorkerTarget(): Promise<void> {
  const target = current?.target;
  current = undefined;
  await target?.stop();
}
