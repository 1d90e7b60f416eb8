/**
 * The surface every transport (Electron IPC, web-mode HTTP bridge, CLI) drives: one `call` that
 * validates its arguments against the contract and runs the handler, and a push subscription.
 * Must not import electron.
 */
import type { CallResults, PushChannel, PushPayloads } from '../../src-shared/contract.js';

export type PushListener = <K extends PushChannel>(channel: K, payload: PushPayloads[K]) => void;

export interface ApiHost {
  /** Validates `args` for `channel` and runs its handler; rejects with an ApiError on bad input. */
  call(channel: string, args: unknown): Promise<unknown>;
  /** Subscribes to every push; returns the unsubscribe function. */
  subscribe(listener: PushListener): () => void;
  /**
   * Imports a file streamed chunk by chunk (large files in web mode): `meta` holds the `import`
   * call's arguments without `content`; progress is pushed as `import:progress`.
   */
  importStream(meta: unknown, body: AsyncIterable<Buffer | string>, size: number): Promise<CallResults['import']>;
  /** Reads a calibration input streamed chunk by chunk (`meta`: {fileName}); progress as `calibrate:progress`. */
  calibrationInputStream(meta: unknown, body: AsyncIterable<Buffer | string>, size: number, maxBytes?: number): Promise<CallResults['calibrate:read']>;
}
