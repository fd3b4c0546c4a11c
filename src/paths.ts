/** The package's root folder: the walk up to package.json lives with the simulator, which needs it too. */
export { packageRoot } from '../simulator/paths.js';
