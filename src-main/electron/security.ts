/**
 * Electron security settings in one place (the checklist of Electron's security guide), as plain
 * data so a unit test can assert them without starting Electron: window web preferences, the
 * Content-Security-Policy, the app's own origin, and the sender check for IPC.
 * Must not import electron (so it can be tested under Node) or the engine.
 */

/** The renderer is served from a privileged custom scheme, never file://. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'lab';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

export { CONTENT_SECURITY_POLICY } from '../../src-shared/csp.js';

export interface SecureWebPreferences {
  contextIsolation: true;
  sandbox: true;
  nodeIntegration: false;
  nodeIntegrationInWorker: false;
  nodeIntegrationInSubFrames: false;
  webSecurity: true;
  allowRunningInsecureContent: false;
  experimentalFeatures: false;
  webviewTag: false;
  spellcheck: false;
  preload: string;
}

export function secureWebPreferences(preload: string): SecureWebPreferences {
  return {
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    spellcheck: false,
    preload,
  };
}

export function windowOptions(preload: string) {
  return {
    width: 1360,
    height: 860,
    minWidth: 1100,
    minHeight: 700,
    show: false,
    title: 'Timer Lab',
    backgroundColor: '#0f1420',
    webPreferences: secureWebPreferences(preload),
  };
}

/** IPC is answered only for the top frame of our own app origin. */
export function isTrustedSender(frameUrl: string | undefined | null, isMainFrame: boolean): boolean {
  if (!frameUrl || !isMainFrame) return false;
  try {
    const u = new URL(frameUrl);
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST;
  } catch {
    return false;
  }
}

/**
 * The only links the app may hand to the system browser (shell.openExternal): the project's own
 * site, over https. Everything else — other sites, other schemes, credentials in the URL, other
 * ports — opens nothing.
 */
export const EXTERNAL_LINK_ORIGINS: readonly string[] = ['https://timerlab.org', 'https://www.timerlab.org'];

export function isAllowedExternalLink(url: string): boolean {
  try {
    const u = new URL(url);
    return u.username === '' && u.password === '' && EXTERNAL_LINK_ORIGINS.includes(u.origin);
  } catch {
    return false;
  }
}

/** Navigation away from the app is never allowed (links open nothing). */
export function isAllowedNavigation(url: string): boolean {
  return isTrustedSender(url, true);
}

export const IPC_CALL = 'lab:call';
/** Import through the main process's own file dialog (the renderer never names a path). */
export const IPC_IMPORT_DIALOG = 'lab:import-dialog';
export const IPC_PUSH = 'lab:push';
