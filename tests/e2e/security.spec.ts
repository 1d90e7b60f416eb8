// The real web mode's guards: token, Origin, Host, loopback-only listening.
import { request as httpRequest } from 'node:http';
import { expect, openApp, server, test } from './fixtures.js';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw HTTP request (fetch would not let us set Host). */
function raw(opts: { host?: string; port?: number; method?: string; path: string; headers?: Record<string, string>; body?: string }): Promise<Reply> {
  const s = server();
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: opts.host ?? '127.0.0.1', port: opts.port ?? s.port, method: opts.method ?? 'GET', path: opts.path, headers: opts.headers ?? {}, timeout: 5_000 },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(opts.body);
  });
}

function call(headers: Record<string, string>): Promise<Reply> {
  return raw({ method: 'POST', path: '/api/call/profiles:list', headers: { 'content-type': 'application/json', ...headers }, body: '{}' });
}

test('web mode: token, Origin and Host checks; listens on 127.0.0.1 only', async ({ page }) => {
  const s = server();
  const host = `127.0.0.1:${s.port}`;
  const auth = { authorization: `Bearer ${s.token}` };

  // The printed URL points at the loopback address and carries the token.
  const printed = new URL(s.url);
  expect(printed.hostname).toBe('127.0.0.1');
  expect(printed.searchParams.get('token')).toBe(s.token);

  // Control: the right token from the right origin works.
  const ok = await call({ ...auth, origin: `http://${host}` });
  expect(ok.status).toBe(200);
  expect(JSON.parse(ok.body)).toMatchObject({ ok: true });

  // No token, a wrong token (same length and different length), a token in the query → 401.
  expect((await call({})).status).toBe(401);
  expect((await call({ authorization: `Bearer ${s.token.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'))}` })).status).toBe(401);
  expect((await call({ authorization: 'Bearer nope' })).status).toBe(401);
  expect((await call({ authorization: s.token })).status).toBe(401); // not a Bearer header
  expect((await raw({ method: 'POST', path: `/api/call/profiles:list?token=${s.token}`, body: '{}' })).status).toBe(401);
  expect((await raw({ path: '/api/events' })).status).toBe(401);
  const noToken = await call({});
  expect(noToken.body).not.toMatch(/at \w+ \(|node:internal/); // no stack traces
  expect(JSON.parse(noToken.body)).toMatchObject({ ok: false });

  // A cross-site Origin is refused even with the right token.
  const evil = await call({ ...auth, origin: 'http://evil.example' });
  expect(evil.status).toBe(403);
  expect(JSON.parse(evil.body)).toMatchObject({ ok: false });
  expect((await call({ ...auth, origin: 'null' })).status).toBe(403);

  // A foreign Host header (DNS rebinding) is refused, for the API and for the page.
  expect((await call({ ...auth, host: 'evil.example' })).status).toBe(403);
  expect((await call({ ...auth, host: `evil.example:${s.port}` })).status).toBe(403);
  expect((await raw({ path: '/', headers: { host: `attacker.example:${s.port}` } })).status).toBe(403);
  expect((await raw({ path: '/', headers: { host: `127.0.0.1:${s.port + 1 === 65536 ? 1 : s.port + 1}` } })).status).toBe(403);

  // The page itself is served on the printed host, with a CSP.
  const index = await raw({ path: '/' });
  expect(index.status).toBe(200);
  expect(index.body).toContain('<div id="app"');
  expect(String(index.headers['content-security-policy'])).toContain("default-src 'self'");
  // Static files cannot escape the renderer folder.
  expect([400, 403, 404]).toContain((await raw({ path: '/../package.json' })).status);
  expect([400, 403, 404]).toContain((await raw({ path: '/%2e%2e/package.json' })).status);

  // Only 127.0.0.1 listens: another loopback address and IPv6 loopback are refused.
  await expect(raw({ host: '127.0.0.2', path: '/' })).rejects.toThrow(/ECONNREFUSED|EADDRNOTAVAIL|ENETUNREACH|timeout/);
  await expect(raw({ host: '::1', path: '/' })).rejects.toThrow(/ECONNREFUSED|EADDRNOTAVAIL|ENETUNREACH|timeout/);

  // In the browser: without the token the app loads but every call is refused, and says so.
  await page.goto(`${s.base}/#/history`);
  await expect(page.getByRole('alert').filter({ hasText: 'Could not load the history' })).toContainText(/not authorised/);
  // With the token (as printed) it works, and the token leaves the address bar.
  await openApp(page, '#/history');
  await expect(page.getByRole('heading', { level: 1, name: 'History' })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Runs' }).or(page.getByText(/No runs/))).toBeVisible();
  expect(page.url()).not.toContain('token=');
});
