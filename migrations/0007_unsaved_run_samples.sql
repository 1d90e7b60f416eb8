-- Version 7: runs that ended without computing anything count 0 samples, not the number asked for.
-- A run cancelled before saving any result, a failed run and an interrupted one (its process went
-- away) are now stored with 0 in runs.samples; earlier versions left the requested count there, so
-- such runs listed samples they never had. The request itself stays in config_json ($.samples),
-- untouched.
-- "Computed nothing" is checked on the stored data, not assumed from the status: the run has no
-- summary and no run_data row holding samples, a sample count or a histogram. A run with any of
-- these (a cancelled run that saved the samples it finished) is left exactly as it is.
UPDATE runs SET samples = 0
WHERE kind = 'simulated'
  AND status IN ('cancelled', 'failed', 'interrupted')
  AND samples <> 0
  AND summary_json IS NULL
  AND NOT EXISTS (
    SELECT 1 FROM run_data d
    WHERE d.run_id = runs.id
      AND (d.samples_blob IS NOT NULL OR d.sample_count <> 0 OR d.histogram_json IS NOT NULL)
  );
