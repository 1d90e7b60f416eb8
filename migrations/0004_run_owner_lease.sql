-- A lease on unfinished runs: the owning process refreshes owner_seen_at (ms since the epoch)
-- while it computes them. Another process treats a run as abandoned only when the lease is stale,
-- which is immune to PID reuse, hostname changes and shared home folders.
ALTER TABLE runs ADD COLUMN owner_seen_at INTEGER;
