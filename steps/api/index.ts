/**
 * cardspec's public API for a project's own step files:
 *
 *     import { When, Then, type CardspecWorld } from 'cardspec';
 *
 * Why a re-export of cucumber rather than a peer dependency: cucumber keeps the step
 * definitions of a run in module-level state, so a step file must register with the very
 * copy of @cucumber/cucumber that runs the built-in steps. Re-exported from here, that copy
 * is the one cardspec's own `cardspec run` loads, whatever the user's node_modules layout
 * (hoisted, nested, pnpm, a second cucumber version for the editor). A peer dependency
 * would hold only as long as the package manager happens to place one copy.
 */
export {
  After,
  AfterAll,
  AfterStep,
  Before,
  BeforeAll,
  BeforeStep,
  DataTable,
  defineParameterType,
  Given,
  Status,
  Then,
  When,
  type ITestCaseHookParameter,
  type ITestStepHookParameter,
} from '@cucumber/cucumber';

export { CardspecWorld, type CardspecParameters, type KeptError } from '../support/world.js';
// {mechanism}, {keyType} and {hash} are registered with the built-in steps, so a step of
// your own can take them too; the parsers check a name written elsewhere (a table cell).
export { parseHashName, parseKeyTypeName, parseMechanismName } from '../support/parameter-types.js';
export type { HashName } from '../../src/crypto/hashes.js';
export type { KeyType } from '../../src/crypto/key-types.js';

// Harness pieces a step file needs to read and check card data the way built-in steps do.
export type { ResponseApdu } from '../../core/apdu/apdu.js';
export { parseHex, swHex, toHex } from '../../core/apdu/hex.js';
export { explainMismatch, matchesBytePattern, parseBytePattern, type BytePattern } from '../../core/apdu/pattern.js';
export { describeStatusWord, matchesStatusWord, parseStatusWordPattern } from '../../core/apdu/status.js';
export { encodeTlv, findTag, parseTlv, type TlvNode } from '../../core/apdu/tlv.js';
export { HarnessCodes, HarnessError } from '../../core/errors.js';
export { MASK, maskSecrets } from '../../src/trace/mask.js';
