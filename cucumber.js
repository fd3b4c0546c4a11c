// Cucumber profiles: one per target, plus `ci` for the reports of a CI run.
// `cardspec run --target X` picks profile X; plain cucumber-js takes `-p X` the same way.
const steps = new URL('./dist/steps/', import.meta.url).pathname;

const common = {
  import: [`${steps}**/*.js`],
  format: ['progress'],
};

const targetProfile = (target, tags) => ({ ...common, tags, worldParameters: { target } });

export default targetProfile('simulator', 'not @hardware-only');
export const simulator = targetProfile('simulator', 'not @hardware-only');
export const container = targetProfile('container', 'not @hardware-only');
export const hardware = targetProfile('hardware', 'not @simulator-only');
export const ci = {
  format: ['progress', 'junit:reports/junit.xml', 'html:reports/report.html', 'message:reports/messages.ndjson'],
};
