/**
 * cardspec's public API for step files that node or tsx load as CommonJS (a project
 * without "type": "module"): the very module instance that `cardspec run` loaded, so that
 * a step's cucumber, World class and error classes are the run's, not a second copy made
 * by a CommonJS transform of the ES modules. steps/support/public-api.ts publishes it.
 * Outside a run (a script of the user's), the ES module is required directly.
 */
const running = (globalThis as Record<symbol, unknown>)[Symbol.for('cardspec.api')];
// eslint-disable-next-line @typescript-eslint/no-require-imports
export = running ?? require('./index.js');
