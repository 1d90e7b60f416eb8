/**
 * The Electron main process: one window, hardened per Electron's security checklist (see
 * security.ts), the renderer served from the privileged `app://lab` scheme, the database in
 * userData, and the API answered over IPC for our own frame only. The runner's worker threads
 * live in this process. Must not import the engine directly.
 */
import { app, BrowserWindow, dialog, ipcMain, net, protocol, session, shell } from 'electron';
import { existsSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename, dirname, join, normalize, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MAX_IMPORT_BYTES } from '../../src-shared/contract.js';
import { LabServices, createApiHost, defaultDatabasePath, onStopSignal, toApiError } from '../api/index.js';
import {
  APP_HOST,
  APP_ORIGIN,
  APP_SCHEME,
  CONTENT_SECURITY_POLICY,
  IPC_CALL,
  IPC_IMPORT_DIALOG,
  IPC_PUSH,
  isAllowedExternalLink,
  isAllowedNavigation,
  isTrustedSender,
  windowOptions,
} from './security.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');
const rendererDir = join(root, 'dist-renderer');
const preload = join(here, 'preload.cjs');

protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);

/** better-sqlite3 built for Electron's ABI lives apart from the Node build the tests use. */
function electronNativeBinding(): string | undefined {
  const candidates = [
    join(process.resourcesPath ?? '', 'native', 'better_sqlite3.node'),
    join(root, '.electron-native', 'better_sqlite3.node'),
  ];
  return candidates.find((p) => existsSync(p));
}

function serveRenderer(): void {
  protocol.handle(APP_SCHEME, (request) => {
    const url = new URL(request.url);
    if (url.host !== APP_HOST) return new Response('not found', { status: 404 });
    const rel = decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname);
    const file = normalize(join(rendererDir, rel));
    if (!file.startsWith(rendererDir + sep)) return new Response('forbidden', { status: 403 });
    return net.fetch(pathToFileURL(file).toString());
  });
}

function harden(): void {
  session.defaultSession.webRequest.onHeadersReceived((details, done) => {
    done({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
  session.defaultSession.setPermissionRequestHandler((_wc, _perm, cb) => cb(false));
  app.on('web-contents-created', (_e, contents) => {
    contents.on('will-navigate', (event, url) => {
      if (!isAllowedNavigation(url)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      if (isAllowedExternalLink(url)) void shell.openExternal(url);
      return { action: 'deny' };
    });
  });
}

async function start(): Promise<void> {
  harden();
  serveRenderer();
  const nativeBinding = electronNativeBinding();
  const lab = new LabServices({
    // The same file as the CLI and web mode, in the platform's user data folder.
    dbPath: defaultDatabasePath(),
    ...(nativeBinding ? { nativeBinding } : {}),
  });
  quitAfterClosing(lab);
  const api = createApiHost(lab);
  const win = new BrowserWindow(windowOptions(preload));
  ipcMain.handle(IPC_CALL, async (event, channel: unknown, args: unknown) => {
    if (!isTrustedSender(event.senderFrame?.url, event.senderFrame === event.sender.mainFrame)) {
      return { ok: false, error: { code: 'bad-input', message: 'IPC from an untrusted frame refused' } };
    }
    try {
      return { ok: true, result: await api.call(String(channel), args) };
    } catch (err) {
      return { ok: false, error: toApiError(err).toPayload() };
    }
  });
  ipcMain.handle(IPC_IMPORT_DIALOG, async (event, options: unknown) => {
    if (!isTrustedSender(event.senderFrame?.url, event.senderFrame === event.sender.mainFrame)) {
      return { ok: false, error: { code: 'bad-input', message: 'IPC from an untrusted frame refused' } };
    }
    try {
      const choice = await dialog.showOpenDialog(win, { title: 'Import a measurement', properties: ['openFile'] });
      const path = choice.filePaths[0];
      if (choice.canceled || !path) return { ok: true, result: null };
      const handle = await open(path, 'r');
      try {
        const st = await handle.stat();
        if (!st.isFile()) throw new Error(`${basename(path)} is not a regular file`);
        if (st.size > MAX_IMPORT_BYTES) throw new Error(`${basename(path)} is larger than ${MAX_IMPORT_BYTES / 1048576} MB`);
        const stream = handle.createReadStream({ highWaterMark: 1 << 20, autoClose: false });
        // the page chooses only the unit of files that cannot say it; importStream validates it
        const unit = typeof options === 'object' && options !== null ? (options as { unit?: unknown }).unit : undefined;
        const result = await api.importStream({ fileName: basename(path), ...(unit === undefined ? {} : { unit }) }, stream, st.size);
        return { ok: true, result };
      } finally {
        await handle.close();
      }
    } catch (err) {
      return { ok: false, error: toApiError(err).toPayload() };
    }
  });
  const unsubscribe = api.subscribe((channel, payload) => {
    if (!win.isDestroyed()) win.webContents.send(IPC_PUSH, channel, payload);
  });
  win.once('ready-to-show', () => win.show());
  win.on('closed', () => unsubscribe());
  await win.loadURL(`${APP_ORIGIN}/index.html`);
}

/**
 * Quitting (the window closed, the menu, a stop signal) waits until the lab has closed: the runs
 * still going are cancelled and saved with the samples they finished, then the store closes.
 */
function quitAfterClosing(lab: LabServices): void {
  let closing: Promise<void> | null = null;
  let closed = false;
  app.on('before-quit', (event) => {
    if (closed) return;
    event.preventDefault();
    closing ??= lab
      .close({ notice: (text) => console.log(`timer-lab: ${text}`) })
      .catch((err: unknown) => console.error(err))
      .finally(() => {
        closed = true;
        app.quit();
      });
  });
  onStopSignal(() => app.quit());
}

app.on('window-all-closed', () => app.quit());
app.whenReady().then(start, (err: unknown) => {
  console.error(err);
  app.exit(1);
});
