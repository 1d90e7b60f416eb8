-- Which process is computing a queued or running run ("host:pid"), so that opening the database
-- from another process (a CLI command next to the app) never marks live runs as interrupted.
ALTER TABLE runs ADD COLUMN owner TEXT;
