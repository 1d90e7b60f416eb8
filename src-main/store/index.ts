/**
 * Public surface of the store layer for the api layer and scripts. Must not import electron,
 * src-main/engine, runner or api.
 */
export { openDatabase, defaultDatabasePath, type Db, type OpenOptions } from './db.js';
export { migrate, loadMigrations, findMigrationsDir, userVersion, type MigrateResult } from './migrate.js';
export { openStore, peekSchemaVersion, type OpenStoreOptions, type OpenedStore } from './open-store.js';
export { RunStore, OWNER, ownerIsAlive, LEASE_RENEW_MS, LEASE_STALE_MS, type RunStoreOptions, type ExperimentInput, type QueuedRunInput, type RunResult } from './runs.js';
export type { MeasuredRunInput } from './measured.js';
export type { ListFilter } from './list-query.js';
export { BUILT_IN_PROFILE_NAMES } from './profiles.js';
export { StoreError, NotFoundError, ConflictError } from './errors.js';
export { SAMPLES_ENCODING, encodeSamples, decodeSamples } from './blobs.js';
