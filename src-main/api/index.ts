/**
 * Public surface of the API layer for the transports (Electron, web bridge, CLI).
 * Must not import electron.
 */
export { LabServices, CLOSE_GRACE_MS, TRACE_TIMER_EVENTS, type CloseOptions, type LabServicesOptions } from './services.js';
export { onStopSignal, STOP_SIGNALS, stopSignalExitCode, stopSignalLabel, type StopSignal } from './stop-signals.js';
export { createApiHost, isCallChannel } from './create-host.js';
export { HANDLERS } from './handlers.js';
export { ApiError } from './errors.js';
export { toApiError } from './error-map.js';
export type { ApiHost, PushListener } from './host.js';
export { importOptionsKey, importParseOptions, measuredImport, measuredRunInput, sha256 } from './import.js';
export { tscKhzOf } from './export.js';
export { runDistribution } from './compare.js';
export { configurationKey } from './repeats.js';
export { defaultDatabasePath } from '../store/index.js';
