-- The disclosure-control secret and record keys (README, "Disclosure control"). Run by
-- data/store.py on every publish, right after schema.sql and in the same transaction.
-- Params: $secret VARCHAR, 64 hex characters from Python's `secrets` module, used only when
-- the database has no secret yet.
--
-- The secret is made once per database and then carried by every publish (a publish copies
-- the file), so a child's record key never changes when a period is reloaded: a new secret
-- would give every count new noise, and two noisy versions of one count tell more than one.
-- Rows published before record keys existed get theirs here (new rows get them from the
-- publish SQL, which calls record_key(child_id) as it inserts).

INSERT INTO disclosure_key
SELECT 1, $secret
WHERE NOT EXISTS (SELECT 1 FROM disclosure_key);

UPDATE snapshot SET rkey = record_key(child_id) WHERE rkey IS NULL;

UPDATE caseload_snapshot SET rkey = record_key(child_id) WHERE rkey IS NULL;
