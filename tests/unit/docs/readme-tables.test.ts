// The README's CPU × kernel × strategy table and its table of published figures are the model's
// output: regenerating them must give the README's text (run `npm run table -- --write` after a
// change to the engine or a profile).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checksTable, hostTable, withTables } from '../../bench/host-table.js';
import { PUBLISHED_FIGURES } from '../../../src-shared/published-checks.js';
import { BUILTIN_PROFILES } from '../../../src-shared/profiles/index.js';

const README = path.resolve(import.meta.dirname, '../../../README.md');

describe('README tables', () => {
  it('equal what the model gives now', () => {
    const readme = readFileSync(README, 'utf8');
    const tables = { host: hostTable(), checks: checksTable() };
    expect(withTables(readme, tables)).toBe(readme);
  }, 60_000);

  it('reproduce each calibration figure within 1 % (checks are reported, not asserted)', () => {
    const rows = checksTable().split('\n').filter((l) => l.includes('| calibration |'));
    expect(rows.length).toBe(PUBLISHED_FIGURES.filter((f) => f.role === 'calibration').length);
    for (const row of rows) {
      const ratio = Number(row.split('|')[6]!.trim());
      expect(Math.abs(ratio - 1), row).toBeLessThanOrEqual(0.01);
    }
  }, 60_000);

  it('name at most one calibration figure per profile, and only profiles that exist', () => {
    const names = new Set(BUILTIN_PROFILES.map((p) => p.name));
    for (const f of PUBLISHED_FIGURES) expect(names.has(f.profile), f.id).toBe(true);
    for (const p of BUILTIN_PROFILES) {
      const calibrations = PUBLISHED_FIGURES.filter((f) => f.profile === p.name && f.role === 'calibration');
      expect(calibrations.length, p.name).toBeLessThanOrEqual(1);
      // a profile calibrated on a figure names it in its description
      if (calibrations.length === 1 && p.name !== 'HSW-2016') expect(p.description).toContain(String(calibrations[0]!.cycles));
    }
  });
});
