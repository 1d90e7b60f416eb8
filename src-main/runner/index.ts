/**
 * Public surface of the runner. Must not import electron or the store.
 */
export { Runner, RunCancelledError, PROGRESS_INTERVAL_MS, progressRate, type RunProgressInfo, type SubmitOptions } from './runner.js';
