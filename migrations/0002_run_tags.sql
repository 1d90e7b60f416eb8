-- Version 2: one row per (run, tag) so the list can filter by tag with an index instead of
-- scanning every run's tags JSON. runs.tags stays the ordered display copy; the store writes both
-- in one transaction (RunStore.setTags / insert*). Existing tags are copied from the JSON.

CREATE TABLE run_tags (
  run_id  INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  tag     TEXT    NOT NULL COLLATE NOCASE,
  PRIMARY KEY (run_id, tag)
) WITHOUT ROWID;

CREATE INDEX run_tags_tag ON run_tags (tag, run_id);

INSERT OR IGNORE INTO run_tags (run_id, tag)
  SELECT runs.id, trim(j.value)
  FROM runs, json_each(runs.tags) AS j
  WHERE j.type = 'text' AND trim(j.value) <> '';
