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

// @card-token scenarios need a token served by a virtual card: the pivTokens profile.
export default targetProfile('simulator', 'not @hardware-only and not @card-token');
export const simulator = targetProfile('simulator', 'not @hardware-only and not @card-token');
export const container = targetProfile('container', 'not @hardware-only and not @card-token');
export const hardware = targetProfile('hardware', 'not @simulator-only and not @card-token');
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
