/**
 * The run list query: one SQL text per combination of filters present, each prepared once and
 * cached, so every filter can use its index. Text search is case-insensitive (Unicode-aware via
 * a JS function) over name, notes, tags and source file. Must not import electron,
 * src-main/engine, runner or api.
 */
import type { Statement } from 'better-sqlite3';
import type { RunKind, RunStatus } from '../../src-shared/contract.js';
import type { Db } from './db.js';
import { LIST_COLUMNS, type ListRow } from './rows.js';

export interface ListFilter {
  workload?: string;
  strategy?: string;
  kind?: RunKind;
  status?: RunStatus;
  tag?: string;
  text?: string;
  experimentId?: number;
  limit?: number;
  offset?: number;
}

const CLAUSES = {
  workload: 'r.workload = @workload',
  strategy: 'r.strategy = @strategy',
  kind: 'r.kind = @kind',
  status: 'r.status = @status',
  experimentId: 'r.experiment_id = @experimentId',
  tag: 'r.id IN (SELECT run_id FROM run_tags WHERE tag = @tag)',
  text:
    '(tl_icontains(r.name, @text) OR tl_icontains(r.notes, @text) OR tl_icontains(r.source_file, @text)' +
    ' OR EXISTS (SELECT 1 FROM run_tags t WHERE t.run_id = r.id AND tl_icontains(t.tag, @text)))',
} as const;
type FilterKey = keyof typeof CLAUSES;
const KEYS = Object.keys(CLAUSES) as FilterKey[];

export const DEFAULT_LIMIT = 500;

export class ListQuery {
  private readonly cache = new Map<string, Statement<Record<string, unknown>, ListRow>>();

  constructor(private readonly db: Db) {
    db.function('tl_icontains', { deterministic: true }, (hay: unknown, needle: unknown) =>
      typeof hay === 'string' && typeof needle === 'string' && hay.toLowerCase().includes(needle.toLowerCase()) ? 1 : 0,
    );
  }

  run(filter: ListFilter = {}): ListRow[] {
    const present = KEYS.filter((k) => filter[k] !== undefined && filter[k] !== '');
    const key = present.join(',');
    let stmt = this.cache.get(key);
    if (!stmt) {
      const where = present.length ? `WHERE ${present.map((k) => CLAUSES[k]).join(' AND ')}` : '';
      stmt = this.db.prepare<Record<string, unknown>, ListRow>(
        `SELECT ${LIST_COLUMNS.split(', ').map((c) => `r.${c}`).join(', ')}, json_extract(r.summary_json, '$.latency.unit') AS unit, json_extract(r.summary_json, '$.calibration.role') AS role, ` +
          `(SELECT e.name FROM experiments e WHERE e.id = r.experiment_id) AS experiment_name FROM runs r ${where} ` +
          'ORDER BY r.id DESC LIMIT @limit OFFSET @offset',
      );
      this.cache.set(key, stmt);
    }
    const params: Record<string, unknown> = {
      limit: filter.limit ?? DEFAULT_LIMIT,
      offset: filter.offset ?? 0,
    };
    for (const k of present) params[k] = k === 'tag' || k === 'text' ? String(filter[k]).trim() : filter[k];
    return stmt.all(params);
  }
}
