/**
 * The lines a step logs that the formatters read back (steps/formatters/issues.ts): one
 * place for their prefixes, so the writers and the readers cannot drift apart.
 */

/** What CardspecWorld.attempt logs on a step whose failure the next step expects. */
export const KEPT_PREFIX = 'failed as the next step expects: ';
/** What a step that skips the rest of its scenario logs (CardspecWorld.skipRest). */
export const SKIPPED_PREFIX = 'skipped: ';
