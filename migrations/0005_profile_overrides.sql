-- Version 5: user profiles are stored as a built-in base plus overrides, so that costs added to
-- the built-in profiles later are filled from the base instead of breaking saved profiles.
-- Profiles saved before this version carry every cost; they become base HSW-2016 (the only
-- built-in profile until then) with all of their values as overrides, which resolves to exactly
-- the profile that was saved. Rows already in the new form (with a "base") are left alone.
UPDATE profiles
SET json = json_object(
  'name', json_extract(json, '$.name'),
  'description', coalesce(json_extract(json, '$.description'), ''),
  'base', 'HSW-2016',
  'overrides', json_object(
    'tsc_khz', json_extract(json, '$.tsc_khz'),
    'X', json_extract(json, '$.X'),
    'costs', json(coalesce(json_extract(json, '$.costs'), '{}'))
  )
)
WHERE json_extract(json, '$.base') IS NULL;
