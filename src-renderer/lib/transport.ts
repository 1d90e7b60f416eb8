/**
 * The renderer's one door to the main process. In Electron the preload exposes `window.lab`;
 * in web mode calls go to the local HTTP bridge (POST /api/call/<channel>, Bearer token) and
 * pushes arrive over Server-Sent Events. Components never touch fetch or window.lab: they get
 * the LabApi made here.
 */
import type {
  CallArgs,
  CallChannel,
  CallResults,
  LabApi,
  LabErrorPayload,
  PushChannel,
  PushPayloads,
} from '../../src-shared/contract.js';

declare global {
  interface Window {
    lab?: LabApi;
  }
}

/** An error from the API, with the contract's code and (for bad input) the field it names. */
export class LabCallError extends Error {
  readonly code: LabErrorPayload['code'];
  readonly field: string | undefined;
  constructor(payload: LabErrorPayload) {
    super(payload.message);
    this.name = 'LabCallError';
    this.code = payload.code;
    this.field = payload.field;
  }
}

/** Reads `{code, message, field}` from whatever a transport threw (Electron wraps messages). */
export function errorInfo(err: unknown): { message: string; field?: string; code?: string } {
  if (err instanceof LabCallError) return { message: err.message, field: err.field, code: err.code };
  const e = err as { message?: unknown; field?: unknown; code?: unknown } | null;
  const message = typeof e?.message === 'string' ? e.message.replace(/^Error invoking remote method '[^']+': (\w*Error: )?/, '') : String(err);
  return {
    message,
    field: typeof e?.field === 'string' ? e.field : undefined,
    code: typeof e?.code === 'string' ? e.code : undefined,
  };
}

const TOKEN_KEY = 'timer-lab-token';

/** Takes the token from `?token=` (then hides it from the address bar) or from this tab's session. */
function takeToken(): string {
  const url = new URL(location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl);
    url.searchParams.delete('token');
    history.replaceState(history.state, '', url.pathname + url.search + url.hash);
    return fromUrl;
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? '';
}

type AnyListener = (payload: unknown) => void;

function createWebApi(): LabApi {
  const token = takeToken();
  const listeners = new Map<PushChannel, Set<AnyListener>>();
  let source: EventSource | null = null;

  function ensureSource(): void {
    if (source) return;
    source = new EventSource(`/api/events?token=${encodeURIComponent(token)}`);
    for (const channel of ['run:progress', 'run:finished', 'import:progress', 'calibrate:progress'] as PushChannel[]) {
      source.addEventListener(channel, (ev) => {
        let data: unknown;
        try {
          data = JSON.parse((ev as MessageEvent<string>).data);
        } catch {
          return;
        }
        for (const l of listeners.get(channel) ?? []) l(data);
      });
    }
  }

  return {
    async call<K extends CallChannel>(channel: K, args: CallArgs<K>): Promise<CallResults[K]> {
      let res: Response;
      try {
        res = await fetch(`/api/call/${encodeURIComponent(channel)}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify(args ?? {}),
        });
      } catch {
        throw new LabCallError({ code: 'failed', message: 'cannot reach the lab server (is it still running?)' });
      }
      let body: { ok: boolean; result?: unknown; error?: LabErrorPayload };
      try {
        body = (await res.json()) as typeof body;
      } catch {
        throw new LabCallError({ code: 'failed', message: `server answered ${res.status} without JSON` });
      }
      if (body.ok) return body.result as CallResults[K];
      if (res.status === 401) {
        throw new LabCallError({ code: 'failed', message: 'not authorised: open the link with its token printed by `timer-lab serve`' });
      }
      throw new LabCallError(body.error ?? { code: 'failed', message: `HTTP ${res.status}` });
    },
    on<K extends PushChannel>(channel: K, listener: (payload: PushPayloads[K]) => void): () => void {
      ensureSource();
      let set = listeners.get(channel);
      if (!set) {
        set = new Set();
        listeners.set(channel, set);
      }
      const l = listener as AnyListener;
      set.add(l);
      return () => set.delete(l);
    },
  };
}

/**
 * Electron's contextBridge copies only an error's message, so the preload encodes the contract's
 * error payload into it (`LAB_ERROR:{json}`); this turns it back into a LabCallError.
 */
export const ELECTRON_ERROR_PREFIX = 'LAB_ERROR:';

export function decodeBridgeError(err: unknown): unknown {
  const message = (err as { message?: unknown } | null)?.message;
  if (typeof message !== 'string') return err;
  const at = message.indexOf(ELECTRON_ERROR_PREFIX);
  if (at < 0) return err;
  try {
    return new LabCallError(JSON.parse(message.slice(at + ELECTRON_ERROR_PREFIX.length)) as LabErrorPayload);
  } catch {
    return err;
  }
}

function wrapElectronApi(bridge: LabApi): LabApi {
  return {
    async call(channel, args) {
      try {
        return await bridge.call(channel, args);
      } catch (err) {
        throw decodeBridgeError(err);
      }
    },
    on: (channel, listener) => bridge.on(channel, listener),
  };
}

/** What the person chooses for an import: the unit of cyclictest files that cannot say it. */
export interface ImportOptions {
  unit?: 'us' | 'ns';
}

/**
 * Imports a measurement file. In web mode the File itself is the request body, so the browser
 * streams it from disk and the server parses it line by line; in Electron a dropped file's text
 * goes through the `import` call (the picker uses the main process's dialog: importWithDialog).
 * Progress arrives as `import:progress`.
 */
export async function importFile(api: LabApi, file: File, opts: ImportOptions = {}): Promise<CallResults['import']> {
  if (window.lab) return api.call('import', { fileName: file.name, content: await file.text(), ...(opts.unit ? { unit: opts.unit } : {}) });
  const token = sessionStorage.getItem(TOKEN_KEY) ?? '';
  const query = new URLSearchParams({ fileName: file.name, ...(opts.unit ? { unit: opts.unit } : {}) });
  let res: Response;
  try {
    res = await fetch(`/api/import?${query.toString()}`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', authorization: `Bearer ${token}` },
      body: file,
    });
  } catch {
    throw new LabCallError({ code: 'failed', message: 'cannot reach the lab server (is it still running?)' });
  }
  const body = (await res.json().catch(() => ({ ok: false }))) as { ok: boolean; result?: CallResults['import']; error?: LabErrorPayload };
  if (body.ok && body.result) return body.result;
  throw new LabCallError(body.error ?? { code: 'failed', message: `HTTP ${res.status}` });
}

/**
 * Reads a calibration input (host trace, guest-side log, perf kvm stat). In web mode the File is
 * the request body (streamed and read line by line by the server); in Electron its text goes
 * through the `calibrate:read` call. Progress arrives as `calibrate:progress`.
 */
export async function readCalibrationFile(api: LabApi, file: File): Promise<CallResults['calibrate:read']> {
  if (window.lab) return api.call('calibrate:read', { fileName: file.name, content: await file.text() });
  const token = sessionStorage.getItem(TOKEN_KEY) ?? '';
  let res: Response;
  try {
    res = await fetch(`/api/calibrate/input?${new URLSearchParams({ fileName: file.name }).toString()}`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', authorization: `Bearer ${token}` },
      body: file,
    });
  } catch {
    throw new LabCallError({ code: 'failed', message: 'cannot reach the lab server (is it still running?)' });
  }
  const body = (await res.json().catch(() => ({ ok: false }))) as { ok: boolean; result?: CallResults['calibrate:read']; error?: LabErrorPayload };
  if (body.ok && body.result) return body.result;
  throw new LabCallError(body.error ?? { code: 'failed', message: `HTTP ${res.status}` });
}

/**
 * Electron only: the main process shows its own open-file dialog and streams the chosen file.
 * Returns undefined when this transport has no such dialog (web mode), null when cancelled.
 */
export function hasImportDialog(): boolean {
  return typeof (window.lab as { importDialog?: unknown } | undefined)?.importDialog === 'function';
}

export async function importWithDialog(opts: ImportOptions = {}): Promise<CallResults['import'] | null | undefined> {
  const bridge = window.lab as (LabApi & { importDialog?: (o: ImportOptions) => Promise<CallResults['import'] | null> }) | undefined;
  if (!bridge?.importDialog) return undefined;
  try {
    return await bridge.importDialog(opts);
  } catch (err) {
    throw decodeBridgeError(err);
  }
}

/** The LabApi for this window: Electron's preload bridge if present, else the web bridge. */
export function createLabApi(): LabApi {
  return window.lab ? wrapElectronApi(window.lab) : createWebApi();
}

/** True in web mode (used only to word hints). */
export function isWebMode(): boolean {
  return window.lab === undefined;
}
