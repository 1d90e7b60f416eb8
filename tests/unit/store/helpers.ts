// Shared helpers for the store tests: temporary database files under os.tmpdir() and a ready store.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import { openStore, type OpenedStore } from '../../../src-main/store/open-store.js';

export const MIGRATIONS_DIR = path.resolve(import.meta.dirname, '../../../migrations');

const dirs: string[] = [];
const opened: OpenedStore[] = [];

afterEach(() => {
  for (const o of opened.splice(0)) if (o.db.open) o.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A fresh folder removed after the test. */
export function tempDir(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'timer-lab-store-'));
  dirs.push(d);
  return d;
}

export function tempDbPath(): string {
  return path.join(tempDir(), 'lab.sqlite');
}

/** A migrated store on a new temporary file, closed after the test. */
export function freshStore(opts: Parameters<typeof openStore>[1] = {}): OpenedStore {
  const o = openStore(tempDbPath(), { migrationsDir: MIGRATIONS_DIR, ...opts });
  opened.push(o);
  return o;
}

/** Registers an already opened store for closing after the test. */
export function track(o: OpenedStore): OpenedStore {
  opened.push(o);
  return o;
}
