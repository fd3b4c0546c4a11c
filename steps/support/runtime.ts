import type { Target, TargetName } from '../../src/targets/target.js';
import { createTarget } from '../../src/targets/create.js';
import { keyPlanFromEnv } from '../../src/pkcs11/key-plan.js';
import type { TokenBackend } from '../../src/targets/token-card.js';

/**
 * The target of this worker: made by the first scenario's Before hook (world parameters
 * are not visible in BeforeAll) and stopped by AfterAll, or by the process's exit and
 * signal handlers when the run is cut short.
 */
let current: { name: TargetName; target: Target; started: Promise<void> } | undefined;

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
    current = { name, target, started: target.start() };
  } else if (current.name !== name) {
    throw new Error(`this worker already runs the ${current.name} target; one run has one target`);
  }
  await current.started;
  return current.target;
}

export async function stopWorkerTarget(): Promise<void> {
  const target = current?.target;
  current = undefined;
  await target?.stop();
}
