export { loadProfile, listProfiles, looksLikePath, profilesDir, resolveProfile, projectProfile, PROJECT_PROFILES_DIR, DEFAULT_PROFILE, ProfileCache } from './load.js';
export { ProfileError } from './cursor.js';
export { applicationRecord, checkAtr } from './validate.js';
export type * from './types.js';
export { MF_FID } from './types.js';
