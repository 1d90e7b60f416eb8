/**
 * The one Content-Security-Policy of the lab, for the Electron window (a response header on the
 * app:// scheme), web mode (a response header) and the page itself (a <meta> tag that vite.config.ts
 * writes into index.html). Must not import anything.
 */
const DIRECTIVES: ReadonlyArray<readonly [string, string]> = [
  ['default-src', "'self'"],
  ['script-src', "'self'"],
  ['style-src', "'self' 'unsafe-inline'"],
  ['img-src', "'self' data: blob:"],
  ['font-src', "'self'"],
  ['connect-src', "'self'"],
  ['object-src', "'none'"],
  ['base-uri', "'none'"],
  ['form-action', "'none'"],
  ['frame-ancestors', "'none'"],
];

/** As a response header. */
export const CONTENT_SECURITY_POLICY = DIRECTIVES.map(([k, v]) => `${k} ${v}`).join('; ');

/** As a <meta http-equiv> tag, which cannot carry frame-ancestors (browsers ignore it there). */
export const META_CONTENT_SECURITY_POLICY = DIRECTIVES.filter(([k]) => k !== 'frame-ancestors')
  .map(([k, v]) => `${k} ${v}`)
  .join('; ');

/** Placeholder in src-renderer/index.html that the build replaces with the meta policy. */
export const CSP_PLACEHOLDER = '%TIMER_LAB_CSP%';
