/**
 * The signals that stop a long-lived front door (web mode, the desktop app) the way closing it
 * does: Ctrl+C in the terminal, `kill`, and the terminal going away. Must not import electron.
 */
export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

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
