/**
 * Publishes this run's instance of the public API (steps/api) for step files loaded as
 * CommonJS, whose `require('cardspec')` (steps/api/index.cts) must get the same instance
 * as cucumber's ES module import of the built-in steps.
 */
import * as api from '../api/index.js';

(globalThis as Record<symbol, unknown>)[Symbol.for('cardspec.api')] = api;
