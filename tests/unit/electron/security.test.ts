// The Electron window's security settings and CSP, asserted without starting Electron.
import { describe, expect, it } from 'vitest';
import {
  APP_ORIGIN,
  CONTENT_SECURITY_POLICY,
  EXTERNAL_LINK_ORIGINS,
  isAllowedExternalLink,
  isAllowedNavigation,
  isTrustedSender,
  windowOptions,
} from '../../../src-main/electron/security.js';
import { existsSync, readFileSync } from 'node:fs';
import { CSP_PLACEHOLDER, META_CONTENT_SECURITY_POLICY } from '../../../src-shared/csp.js';
import { CSP } from '../../../src-main/web/server.js';

describe('Electron window security', () => {
  it('isolates and sandboxes the renderer with no Node access', () => {
    const prefs = windowOptions('/app/preload.cjs').webPreferences;
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      preload: '/app/preload.cjs',
    });
  });

  it('uses a strict Content-Security-Policy without inline or eval scripts', () => {
    const directives = Object.fromEntries(
      CONTENT_SECURITY_POLICY.split(';').map((d) => {
        const [name, ...values] = d.trim().split(/\s+/);
        return [name, values];
      }),
    );
    expect(directives['default-src']).toEqual(["'self'"]);
    expect(directives['script-src']).toEqual(["'self'"]);
    expect(directives['object-src']).toEqual(["'none'"]);
    expect(directives['frame-ancestors']).toEqual(["'none'"]);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval/);
    expect(directives['script-src']).not.toContain("'unsafe-inline'");
  });

  it('ships the same CSP in the renderer page (the build writes it from src-shared/csp.ts)', () => {
    const html = readFileSync('src-renderer/index.html', 'utf8');
    expect(/http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1]).toBe(CSP_PLACEHOLDER);
    expect(META_CONTENT_SECURITY_POLICY).toBe(CONTENT_SECURITY_POLICY.replace("; frame-ancestors 'none'", ''));
    expect(CSP).toBe(CONTENT_SECURITY_POLICY);
    if (existsSync('dist-renderer/index.html')) {
      const built = readFileSync('dist-renderer/index.html', 'utf8');
      expect(/http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(built)?.[1]).toBe(META_CONTENT_SECURITY_POLICY);
    } else {
      console.log('dist-renderer/index.html is not built: only the source placeholder was checked');
    }
  });

  it('answers IPC only for the top frame of the app origin', () => {
    expect(isTrustedSender(`${APP_ORIGIN}/index.html`, true)).toBe(true);
    expect(isTrustedSender(`${APP_ORIGIN}/index.html`, false)).toBe(false);
    expect(isTrustedSender('https://evil.example/', true)).toBe(false);
    expect(isTrustedSender('file:///etc/passwd', true)).toBe(false);
    expect(isTrustedSender('app://other/index.html', true)).toBe(false);
    expect(isTrustedSender(undefined, true)).toBe(false);
    expect(isTrustedSender('not a url', true)).toBe(false);
  });

  it('blocks navigation away from the app', () => {
    expect(isAllowedNavigation(`${APP_ORIGIN}/index.html#/history`)).toBe(true);
    expect(isAllowedNavigation('https://example.com/')).toBe(false);
    expect(isAllowedNavigation('http://127.0.0.1:8080/')).toBe(false);
  });

  it('opens only the project links (https, its own site) in the system browser', () => {
    expect(EXTERNAL_LINK_ORIGINS.length).toBeGreaterThan(0);
    for (const origin of EXTERNAL_LINK_ORIGINS) {
      expect(isAllowedExternalLink(`${origin}/`)).toBe(true);
      expect(isAllowedExternalLink(`${origin}/docs/compare?x=1#p99`)).toBe(true);
      expect(isAllowedExternalLink(origin.toUpperCase().replace('HTTPS', 'https') + '/x')).toBe(true); // hosts are case-insensitive
    }
    for (const url of [
      'https://example.com/',
      'https://timerlab.org.evil.example/',
      'https://evil.example/?next=https://timerlab.org/',
      'https://evil.example/https://timerlab.org',
      'http://timerlab.org/',
      'https://timerlab.org:8443/',
      'https://user:pass@timerlab.org/',
      'https://timerlab.org@evil.example/',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'data:text/html,<script>1</script>',
      `${APP_ORIGIN}/index.html`,
      'smb://timerlab.org/share',
      'not a url',
      '',
    ]) {
      expect(isAllowedExternalLink(url), url).toBe(false);
    }
  });

  it('hands links to shell.openExternal only after the allow-list check', () => {
    const src = readFileSync('src-main/electron/main.ts', 'utf8');
    const calls = [...src.matchAll(/shell\.openExternal\(/g)];
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.length).toBe([...src.matchAll(/if \(isAllowedExternalLink\((\w+)\)\) void shell\.openExternal\(\1\)/g)].length);
  });

  it('exposes only window.lab from the preload, never ipcRenderer', () => {
    const src = readFileSync('src-main/electron/preload.ts', 'utf8');
    const exposed = [...src.matchAll(/exposeInMainWorld\('([^']+)'/g)].map((m) => m[1]);
    expect(exposed).toEqual(['lab']);
    expect(src).not.toMatch(/exposeInMainWorld\([^)]*ipcRenderer/);
  });
});
