/**
 * Preload (sandboxed, bundled to one CommonJS file by scripts/bundle-preload.js): exposes only
 * `window.lab` — one `call` that accepts the contract's channels and one `on` for its pushes.
 * Never exposes ipcRenderer or Node. Must not import the engine or the store.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { CALL_CHANNELS, PUSH_CHANNELS, type LabApi, type LabErrorPayload } from '../../src-shared/contract.js';
import { IPC_CALL, IPC_IMPORT_DIALOG, IPC_PUSH } from './security.js';

type Reply = { ok: true; result: unknown } | { ok: false; error: LabErrorPayload };

const lab: LabApi = {
  async call(channel, args) {
    if (!(CALL_CHANNELS as string[]).includes(channel)) throw new Error(`unknown call "${String(channel)}"`);
    const reply = (await ipcRenderer.invoke(IPC_CALL, channel, args)) as Reply;
    if (reply.ok) return reply.result as never;
    // contextBridge keeps only an error's message: carry the payload in it (decoded by the renderer)
    throw new Error(`LAB_ERROR:${JSON.stringify(reply.error)}`);
  },
  on(channel, listener) {
    if (!PUSH_CHANNELS.includes(channel)) throw new Error(`unknown push "${String(channel)}"`);
    const wrapped = (_e: IpcRendererEvent, ch: string, payload: unknown) => {
      if (ch === channel) (listener as (p: unknown) => void)(payload);
    };
    ipcRenderer.on(IPC_PUSH, wrapped);
    return () => {
      ipcRenderer.removeListener(IPC_PUSH, wrapped);
    };
  },
};

/**
 * Import through the main process: it shows its own open-file dialog and streams the chosen file,
 * so large files never cross IPC and the page can never name a path. Resolves null if cancelled.
 */
async function importDialog(options?: { unit?: 'us' | 'ns' }): Promise<unknown> {
  const reply = (await ipcRenderer.invoke(IPC_IMPORT_DIALOG, options?.unit === undefined ? {} : { unit: options.unit })) as Reply;
  if (reply.ok) return reply.result;
  throw new Error(`LAB_ERROR:${JSON.stringify(reply.error)}`);
}

contextBridge.exposeInMainWorld('lab', { ...lab, importDialog });
