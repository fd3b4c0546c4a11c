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

export default targetProfile('simulator', 'not @hardware-only');
export const simulator = targetProfile('simulator', 'not @hardware-only');
export const container = targetProfile('container', 'not @hardware-only');
export const hardware = targetProfile('hardware', 'not @simulator-only');
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
