// Crash safety with a real SIGKILL: a child writing big transactions is killed mid-write; the
// database must pass integrity_check, keep every finished run intact, and the run in flight must
// become 'interrupted' at the next open.
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { syntheticSamples } from '../../../src-main/store/bench-save.js';
import { openStore } from '../../../src-main/store/open-store.js';
import { MIGRATIONS_DIR, tempDbPath, track } from './helpers.js';

const WRITER = path.join(import.meta.dirname, 'fixtures', 'crash-writer.ts');

/** Big transactions the writer finishes before the kill; the next one is in flight when it lands. */
const BIG_RUNS_DONE = 1;

function startWriter(dbPath: string): { ready: Promise<void>; kill: () => Promise<NodeJS.Signals | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', WRITER, dbPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  const ready = new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      // ready to kill: the first big runs are committed and the next one's transaction has begun
      if (out.includes(`SAVING ${100 + BIG_RUNS_DONE}\n`)) resolve();
    });
    child.on('exit', (code) => reject(new Error(`crash writer exited early (${code}): ${stderr}`)));
  });
  return {
    ready,
    kill: () => {
      child.kill('SIGKILL');
      return exited;
    },
  };
}

describe('crash safety', () => {
  it('survives kill -9 in the middle of saveResult transactions', async () => {
    const dbPath = tempDbPath();
    const writer = startWriter(dbPath);
    await writer.ready;
    // somewhere inside the big transaction (it takes far longer than this to write megabytes)
    await new Promise((r) => setTimeout(r, 20));
    expect(await writer.kill()).toBe('SIGKILL');

    const wal = existsSync(`${dbPath}-wal`) ? statSync(`${dbPath}-wal`).size : 0;
    console.log(`WAL left by the killed writer: ${wal} bytes`);
    const o = track(openStore(dbPath, { migrationsDir: MIGRATIONS_DIR }));
    const { store, db } = o;
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.pragma('foreign_key_check')).toEqual([]);

    const runs = store.list({ limit: 10_000 }).reverse();
    console.log(`after kill -9: ${runs.length} runs, ${o.interrupted} marked interrupted at reopen`);
    expect(runs.length).toBeGreaterThanOrEqual(5 + BIG_RUNS_DONE + 1);
    for (let seed = 1; seed <= 5; seed++) {
      const r = runs[seed - 1]!;
      expect(r).toMatchObject({ name: `run ${seed}`, status: 'done', samples: 10_000 });
      expect(store.getSamples(r.id)).toEqual(syntheticSamples(10_000, seed));
    }
    // Everything else is either fully done (with all its samples) or interrupted with no data.
    for (const r of runs.slice(5)) {
      expect(['done', 'interrupted']).toContain(r.status);
      if (r.status === 'done') expect(store.getSamples(r.id)?.length).toBe(4_000_000);
      else expect(store.getSamples(r.id)).toBeNull();
    }
    // The kill lands either inside a run (which becomes interrupted) or, rarely, between a commit
    // and the next run's insert (then nothing is left to recover).
    const unfinished = runs.filter((r) => r.status !== 'done');
    expect(unfinished.length).toBeLessThanOrEqual(1);
    expect(o.interrupted).toBe(unfinished.length);
    if (unfinished.length === 1) expect(unfinished[0]).toBe(runs[runs.length - 1]);
    expect(store.markInterruptedRuns()).toBe(0);
  });
});
