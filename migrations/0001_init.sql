-- Timer Lab schema, version 1: experiments, runs, their bulky data, and user profiles.
-- Applied by src-main/store/migrate.ts inside one transaction that also sets user_version = 1.
-- Never edit this file once landed: add a new NNNN_name.sql instead.

CREATE TABLE experiments (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  name        TEXT    NOT NULL,
  notes       TEXT    NOT NULL DEFAULT '',
  tags        TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(tags) AND json_type(tags) = 'array'),
  created_at  TEXT    NOT NULL
);

-- Deleting an experiment keeps its runs (ON DELETE SET NULL): a run is the expensive, reproducible
-- result and may be compared or exported on its own; losing it because its group went away would
-- be a surprise. Runs are deleted explicitly (deleteRuns).
CREATE TABLE runs (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  experiment_id   INTEGER REFERENCES experiments(id) ON DELETE SET NULL,
  kind            TEXT    NOT NULL CHECK (kind IN ('simulated', 'measured')),
  name            TEXT    NOT NULL,
  notes           TEXT    NOT NULL DEFAULT '',
  tags            TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(tags) AND json_type(tags) = 'array'),
  workload        TEXT    NOT NULL,
  strategy        TEXT    NOT NULL,
  profile_name    TEXT,
  samples         INTEGER NOT NULL DEFAULT 0,
  seed            INTEGER,
  engine_version  TEXT,
  status          TEXT    NOT NULL
                  CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled', 'interrupted')),
  error           TEXT,
  created_at      TEXT    NOT NULL,
  started_at      TEXT,
  finished_at     TEXT,
  config_json     TEXT    CHECK (config_json IS NULL OR json_valid(config_json)),
  summary_json    TEXT    CHECK (summary_json IS NULL OR json_valid(summary_json)),
  mean            REAL,
  p99             REAL,
  source_file     TEXT,
  source_format   TEXT,
  source_sha256   TEXT,
  -- A simulated run carries its full config; a measured run names its source file.
  CHECK (kind = 'measured' OR config_json IS NOT NULL),
  CHECK (kind = 'simulated' OR source_file IS NOT NULL)
);

CREATE INDEX runs_experiment ON runs (experiment_id);
CREATE INDEX runs_workload ON runs (workload, strategy);
CREATE INDEX runs_strategy ON runs (strategy);
CREATE INDEX runs_kind ON runs (kind);
CREATE INDEX runs_status ON runs (status);
CREATE INDEX runs_mean ON runs (mean);
CREATE INDEX runs_p99 ON runs (p99);

-- Bulky per-run data, kept out of `runs` so listing never pages through blobs.
CREATE TABLE run_data (
  run_id            INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
  histogram_json    TEXT    CHECK (histogram_json IS NULL OR json_valid(histogram_json)),
  samples_blob      BLOB,
  samples_encoding  TEXT,
  sample_count      INTEGER NOT NULL DEFAULT 0,
  trace_blob        BLOB,
  CHECK ((samples_blob IS NULL) = (samples_encoding IS NULL))
);

-- User profiles (built-in ones live in the engine and are never stored here).
CREATE TABLE profiles (
  name        TEXT PRIMARY KEY COLLATE NOCASE,
  json        TEXT NOT NULL CHECK (json_valid(json)),
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL
);
