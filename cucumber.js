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
// @softhsm-only ones need what only SoftHSM does (docs/piv.md says why for each).
export default targetProfile('simulator', 'not @hardware-only and not @piv-only');
export const simulator = targetProfile('simulator', 'not @hardware-only and not @piv-only');
export const container = targetProfile('container', 'not @hardware-only and not @piv-only');
export const hardware = targetProfile('hardware', 'not @simulator-only and not @piv-only');

// The same targets with PKCS#11 tokens served by a virtual PIV card through OpenSC
// (`cardspec run --token-backend piv` picks TARGET-piv; `-p piv` is `-p simulator-piv`).
const pivProfile = (target) => ({
  ...targetProfile(target, 'not @hardware-only and not @softhsm-only'),
  worldParameters: { target, tokenBackend: 'piv' },
});
export const piv = pivProfile('simulator');
const simulatorPiv = pivProfile('simulator');
const containerPiv = pivProfile('container');
export { simulatorPiv as 'simulator-piv', containerPiv as 'container-piv' };
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
