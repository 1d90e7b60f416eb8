// Databases for the damage tests: one with many small finished runs, and mid-file corruption of
// one of its b-tree pages (the page header of a `runs` leaf near the middle of the file).
import { closeSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { syntheticHistogram, syntheticRunConfig, syntheticSamples, syntheticSummary } from '../../../src-main/store/bench-save.js';
import { openStore } from '../../../src-main/store/open-store.js';

const MIGRATIONS_DIR = path.resolve(import.meta.dirname, '../../../migrations');

/** A database of `n` finished runs, closed (so everything is in the main file). */
export function databaseWithRuns(file: string, n: number): void {
  const o = openStore(file, { migrationsDir: MIGRATIONS_DIR });
  for (let i = 0; i < n; i++) {
    const config = syntheticRunConfig(100, i + 1);
    const id = o.store.insertQueuedRun({ name: `run ${i + 1}`, config });
    o.store.markRunning(id);
    o.store.saveResult(id, { summary: syntheticSummary(config, 100), histogram: syntheticHistogram(100), samples: syntheticSamples(100, i + 1) });
  }
  o.close();
}

/** Overwrites the header of the `runs` table leaf page nearest the middle of the file; returns its number. */
export function corruptMiddlePage(file: string): number {
  const db = new Database(file, { readonly: true });
  const leaves = (db.prepare("SELECT pageno FROM dbstat WHERE name = 'runs' AND pagetype = 'leaf'").all() as Array<{ pageno: number }>).map((r) => r.pageno);
  const pages = db.pragma('page_count', { simple: true }) as number;
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  db.close();
  const page = leaves.reduce((a, b) => (Math.abs(b - pages / 2) < Math.abs(a - pages / 2) ? b : a));
  const fd = openSync(file, 'r+');
  writeSync(fd, Buffer.alloc(16, 0xee), 0, 16, (page - 1) * pageSize);
  closeSync(fd);
  return page;
}

