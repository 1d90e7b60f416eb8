/**
 * How big one experiment may be: the runs it holds (strategies × values × repeats of a sweep) and
 * the repeats of one configuration. Read by the contract's validation, the CLI and the app's forms.
 * Must not import anything.
 */

/** Runs one `experiments:submit` may hold. */
export const MAX_RUNS_PER_EXPERIMENT = 256;

/** Seeds one configuration may be repeated under (`--repeat N`, the app's Repeat field). */
export const MAX_REPEATS = 32;
