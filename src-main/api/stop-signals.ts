/**
 * The signals that stop a long-lived front door (web mode, the desktop app) the way closing it
 * does: Ctrl+C in the terminal, `kill`, and the terminal going away. Must not import electron.
 */
import { constants } from 'node:os';

export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
export type StopSignal = (typeof STOP_SIGNALS)[number];

/** A stop signal as messages name it: Ctrl-C for SIGINT. */
export function stopSignalLabel(signal: StopSignal): string {
  return signal === 'SIGINT' ? 'Ctrl-C' : signal;
}

/** The exit code of a process stopped by `signal`, by the shell's convention: 128 + its number. */
export function stopSignalExitCode(signal: StopSignal): number {
  return 128 + constants.signals[signal];
}

/**
 * Calls `stop` once, on the first stop signal. The listeners stay until the process ends: Ctrl+C
 * reaches a process from the terminal and again from `npm start`, and the second one must not
 * end the process (a signal without a listener does) while it is closing.
 */
export function onStopSignal(stop: (signal: NodeJS.Signals) => void): void {
  let stopped = false;
  const once = (signal: NodeJS.Signals): void => {
    if (stopped) return;
    stopped = true;
    stop(signal);
  };
  for (const s of STOP_SIGNALS) process.on(s, once);
}
