import { HarnessCodes, HarnessError } from '../../core/errors.js';
import type { UserType } from './session.js';

/**
 * The token flags that make a login risky on a physical token: a wrong PIN now would lock
 * it (the final try is next), or it is locked already. A PIN the operator configured is
 * trusted to be right.
 */
export function riskyLoginFlags(userType: UserType, isSet: (flag: string) => boolean): string[] {
  const who = userType === 'so' ? 'SO' : 'USER';
  return [`CKF_${who}_PIN_FINAL_TRY`, `CKF_${who}_PIN_LOCKED`].filter(isSet);
}

/**
 * Refuses a login that could lock the PIN, naming the flags and the tag that allows it.
 * An empty configured PIN means none was configured (the hardware target's SO PIN without
 * `soPin:`), so it trusts nothing.
 */
export function guardLogin(userType: UserType, pin: string, configuredPin: string, isSet: (flag: string) => boolean): void {
  if (configuredPin !== '' && pin === configuredPin) return;
  const risky = riskyLoginFlags(userType, isSet);
  if (risky.length > 0) {
    throw new HarnessError(
      HarnessCodes.REFUSED,
      `refused to protect the token: it says ${risky.join(' and ')}, and a wrong PIN would lock it; tag the scenario @destructive to allow it`,
    );
  }
}
