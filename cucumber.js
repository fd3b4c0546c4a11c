// Cucumber profiles: one per target, plus `ci` for the reports of a CI run.
// `cardspec run --target X` picks profile X; plain cucumber-js takes `-p X` the same way.
const steps = new URL('./dist/steps/', import.meta.url).pathname;

const common = {
  import: [`${steps}*.js`, `${steps}support/*.js`],
  format: [`${steps}formatters/progress.js`],
  // Only scenarios tagged @flaky are tried again; a failure anywhere else is final.
  retry: 2,
  retryTagFilter: '@flaky',
};

const targetProfile = (target, tags) => ({ ...common, tags, worldParameters: { target } });

// Scenarios tagged @piv-only need the PIV token card of --token-backend piv (PIN tries, PUK);
// @softhsm-only ones need what only SoftHSM does (docs/piv.md says why for each);
// @card-token ones need a token mapped to a card by cardTokens (the pivTokens profile).
export default targetProfile('simulator', 'not @hardware-only and not @piv-only and not @card-token');
export const simulator = targetProfile('simulator', 'not @hardware-only and not @piv-only and not @card-token');
export const container = targetProfile('container', 'not @hardware-only and not @piv-only and not @card-token');
export const hardware = targetProfile('hardware', 'not @simulator-only and not @piv-only and not @card-token');

// The same targets with PKCS#11 tokens served by a virtual PIV card through OpenSC
// (`cardspec run --token-backend piv` picks TARGET-piv; `-p piv` is `-p simulator-piv`).
const pivProfile = (target) => ({
  ...targetProfile(target, 'not @hardware-only and not @softhsm-only and not @card-token'),
  worldParameters: { target, tokenBackend: 'piv' },
});
export const piv = pivProfile('simulator');
const simulatorPiv = pivProfile('simulator');
const containerPiv = pivProfile('container');
export { simulatorPiv as 'simulator-piv', containerPiv as 'container-piv' };
// The token "piv-token" is the virtual PIV card through OpenSC's opensc-pkcs11.so (docs/piv.md):
// npx cucumber-js -p pivTokens
export const pivTokens = {
  ...common,
  paths: ['features/pkcs11/piv-token.feature'],
  tags: '@card-token',
  worldParameters: { target: 'simulator', cardTokens: { 'piv-token': 'piv' } },
};
// CARDSPEC_REPORTS_DIR: one folder per shard of a sharded run (`cardspec merge-reports`).
const reports = process.env.CARDSPEC_REPORTS_DIR || 'reports';
export const ci = {
  format: [
    `${steps}formatters/progress.js`,
    `${steps}formatters/junit.js:${reports}/junit.xml`,
    `html:${reports}/report.html`,
    `message:${reports}/messages.ndjson`,
    `json:${reports}/report.json`,
  ],
};
