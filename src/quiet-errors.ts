/**
 * Errors as a spec writer sees them: the code first, then the message, and no stack trace
 * into the harness's compiled files. `cardspec run --verbose` (or CARDSPEC_VERBOSE=1) keeps
 * the stack traces, for bug reports.
 */

export const VERBOSE_ENV = 'CARDSPEC_VERBOSE';

export function isVerbose(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[VERBOSE_ENV] === '1' || env[VERBOSE_ENV] === 'true';
}

/** Errors that mean a bug in the harness (or in a user's own step code): their stack stays. */
const BUG_TYPES = [TypeError, ReferenceError, RangeError, SyntaxError];

/** An error as one line for a person: its code in front of its message, unless the message names it already. */
export function codedMessage(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return typeof code === 'string' && !message.includes(code) ? `${code}: ${message}` : message;
}

/**
 * Puts the error's code in front of its message (unless the message names it already) and,
 * unless verbose, replaces the stack by the message alone. Changes the error in place.
 */
export function quietenError(error: unknown): void {
  if (!(error instanceof Error)) return;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && /^[A-Z][A-Z0-9_]+$/.test(code) && !error.message.includes(code)) {
    const oldMessage = error.message;
    // V8 writes the stack's first line when it is first read: read it before the message changes.
    const stack = error.stack;
    error.message = `${code}: ${oldMessage}`;
    if (stack?.includes(oldMessage)) error.stack = stack.replace(oldMessage, error.message);
  }
  if (isVerbose() || BUG_TYPES.some((type) => error instanceof type)) return;
  error.stack = error.message;
}
