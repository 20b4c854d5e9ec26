-- Lists sorted and paged in the database (issue 15: 100,000 workloads). Each sort column holds a natural-order key
-- of the field it sorts by (store.SortKeys: case folded, digit runs compared as numbers, hex-encoded so every
-- collation, H2's and PostgreSQL's, orders it as bytes); rows stored before this migration are filled in by
-- SortKeys.backfill when the store opens. The same SQL runs on H2 (MODE=PostgreSQL) and PostgreSQL.
ALTER TABLE objects ADD COLUMN sort_name VARCHAR(600);
ALTER TABLE objects ADD COLUMN sort_hostname VARCHAR(600);
ALTER TABLE objects ADD COLUMN sort_key VARCHAR(600);
ALTER TABLE objects ADD COLUMN sort_value VARCHAR(600);
-- one page of workloads by name or hostname reads 50 index entries, not 100,000 rows (href breaks ties). H2 uses
-- an index for ORDER BY only when the ORDER BY names its columns in order (org and kind too: store.ListOrder) and
-- in the same direction, so a descending sort has its own index (PostgreSQL could scan the ascending one backwards).
-- The API's own order (org, kind, href) is the primary key's.
CREATE INDEX objects_sort_name ON objects (org, kind, sort_name, href);
CREATE INDEX objects_sort_name_desc ON objects (org, kind, sort_name DESC, href DESC);
CREATE INDEX objects_sort_hostname ON objects (org, kind, sort_hostname, href);
CREATE INDEX objects_sort_hostname_desc ON objects (org, kind, sort_hostname DESC, href DESC);
-- labels (10,000 at most in practice) ascending by value or key; descending they are sorted by the database
CREATE INDEX objects_sort_value ON objects (org, kind, sort_value, sort_key, href);
CREATE INDEX objects_sort_key ON objects (org, kind, sort_key, sort_value, href);
