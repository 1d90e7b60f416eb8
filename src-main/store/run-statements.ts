/**
 * The write statements of RunStore, prepared once per connection. Plain SQL, named parameters.
 * Must not import electron, src-main/engine, runner or api.
 */
import type { Statement } from 'better-sqlite3';
import type { Db } from './db.js';

type Params = Record<string, unknown>;

export function prepareRunStatements(db: Db) {
  const p = (sql: string): Statement<Params> => db.prepare<Params>(sql);
  return {
    insertExperiment: p(
      'INSERT INTO experiments (name, notes, tags, created_at) VALUES (@name, @notes, @tags, @now)',
    ),
    insertQueued: p(
      'INSERT INTO runs (experiment_id, kind, name, notes, tags, workload, strategy, profile_name, samples, seed, status, created_at, config_json, owner, owner_seen_at) ' +
        "VALUES (@experimentId, 'simulated', @name, @notes, @tags, @workload, @strategy, @profile, @samples, @seed, 'queued', @now, @config, @owner, @seenAt)",
    ),
    insertMeasured: p(
      'INSERT INTO runs (experiment_id, kind, name, notes, tags, workload, strategy, profile_name, samples, status, created_at, started_at, finished_at, ' +
        'summary_json, mean, p99, source_file, source_format, source_sha256, measure, measurement_json) ' +
        "VALUES (@experimentId, 'measured', @name, @notes, @tags, @workload, @strategy, @profile, @samples, 'done', @now, @now, @now, " +
        '@summary, @mean, @p99, @sourceFile, @format, @sha256, @measure, @measurement)',
    ),
    importsOfFile: p(
      // A run imported before its options were kept counts as imported without options, unless its
      // context shows one was given (ns chosen, a TSC rate given): then it matches no request,
      // rather than hand runs read in another unit to an import that did not ask for it.
      "SELECT id, experiment_id FROM runs WHERE source_sha256 = @sha256 AND kind = 'measured' AND coalesce(" +
        "json_extract(measurement_json, '$.importOptions'), " +
        "CASE WHEN json_extract(measurement_json, '$.context.resolutionNote') = @nsChosen " +
        "OR json_extract(measurement_json, '$.context.tsc.method') = @tscGiven THEN NULL ELSE '{}' END) = @options ORDER BY id",
    ),
    markRunning: p("UPDATE runs SET status = 'running', started_at = @now WHERE id = @id AND status = 'queued'"),
    markDone: p(
      "UPDATE runs SET status = @status, error = NULL, started_at = coalesce(started_at, @now), finished_at = @now, " +
        'engine_version = @engineVersion, summary_json = @summary, mean = @mean, p99 = @p99, samples = @samples ' +
        "WHERE id = @id AND (status IN ('queued', 'running') OR (status = 'interrupted' AND owner = @owner))",
    ),
    markFailed: p(
      // a failed run saved no samples: its count is 0, as for a cancelled one
      "UPDATE runs SET status = 'failed', samples = 0, error = @error, finished_at = @now WHERE id = @id AND status IN ('queued', 'running')",
    ),
    markCancelled: p(
      // a run cancelled without saved samples computed none: its count is 0, not the number asked for (kept in config_json)
      "UPDATE runs SET status = 'cancelled', samples = 0, finished_at = @now WHERE id = @id AND status IN ('queued', 'running')",
    ),
    unfinished: p("SELECT id, owner, owner_seen_at FROM runs WHERE status IN ('queued', 'running')"),
    renewLease: p("UPDATE runs SET owner_seen_at = @seenAt WHERE owner = @owner AND status IN ('queued', 'running')"),
    markInterrupted: p(
      // its process went away before saving a result: its count is 0 (its owner, should it still finish it, writes the true one)
      "UPDATE runs SET status = 'interrupted', samples = 0, error = coalesce(error, @error) WHERE id = @id AND status IN ('queued', 'running')",
    ),
    upsertData: p(
      'INSERT INTO run_data (run_id, histogram_json, samples_blob, samples_encoding, sample_count, trace_blob) ' +
        'VALUES (@id, @histogram, @blob, @encoding, @count, @trace) ON CONFLICT(run_id) DO UPDATE SET ' +
        'histogram_json = excluded.histogram_json, samples_blob = excluded.samples_blob, samples_encoding = excluded.samples_encoding, ' +
        'sample_count = excluded.sample_count, trace_blob = excluded.trace_blob',
    ),
    rename: p('UPDATE runs SET name = @name WHERE id = @id'),
    setNotes: p('UPDATE runs SET notes = @notes WHERE id = @id'),
    setTagsJson: p('UPDATE runs SET tags = @tags WHERE id = @id'),
    clearTags: p('DELETE FROM run_tags WHERE run_id = @id'),
    addTag: p('INSERT OR IGNORE INTO run_tags (run_id, tag) VALUES (@id, @tag)'),
    deleteRun: p('DELETE FROM runs WHERE id = @id'),
  };
}

export type RunStatements = ReturnType<typeof prepareRunStatements>;
