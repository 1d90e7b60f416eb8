-- Version 6: what an imported run measures and what its file says beyond statistics.
--   runs.measure           the measure kind (src-shared/measures.ts) of an imported run; NULL for
--                          simulated runs, whose workload says what they measure.
--   runs.measurement_json  the part of the file the run holds (thread, vCPU, VM, test, merged),
--                          the file's context (kernel, CPU, TSC rate and how it is known,
--                          resolution, interval) and its tables (per-source rows, exits, dropped
--                          pairs, lost events, hv_timer states, lapic-expire deltas, sysinfo, …).
-- Imports are found by their file's SHA-256, so the same file is not stored twice.
ALTER TABLE runs ADD COLUMN measure TEXT;
ALTER TABLE runs ADD COLUMN measurement_json TEXT CHECK (measurement_json IS NULL OR json_valid(measurement_json));
CREATE INDEX runs_source_sha256 ON runs (source_sha256) WHERE source_sha256 IS NOT NULL;

-- Imports stored before version 6 keep their data; they get the measure their format implies.
UPDATE runs SET measure = CASE source_format
    WHEN 'trace-cmd' THEN 'host-expiry-to-entry'
    WHEN 'tscdeadline-latency' THEN 'guest-deadline-to-isr'
    WHEN 'vmexit' THEN 'cycles-per-iteration'
    WHEN 'perf-kvm-stat' THEN 'exit-handling-time'
    ELSE 'wakeup-latency'
  END
WHERE kind = 'measured';

-- Status lines and perf kvm stat tables give no distribution: the percentiles and spread stored
-- for them before (mean and maximum repeated, stddev 0) were made up. They become unknown.
UPDATE runs SET
  p99 = NULL,
  summary_json = json_set(summary_json,
    '$.latency.p50', NULL, '$.latency.p90', NULL, '$.latency.p99', NULL, '$.latency.p999', NULL, '$.latency.stddev', NULL,
    '$.latencyNs.p50', NULL, '$.latencyNs.p90', NULL, '$.latencyNs.p99', NULL, '$.latencyNs.p999', NULL, '$.latencyNs.stddev', NULL)
WHERE kind = 'measured' AND source_format IN ('cyclictest', 'perf-kvm-stat') AND summary_json IS NOT NULL;
