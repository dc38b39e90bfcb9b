-- The equivalent of one vote for pgbench: a single-row upsert on (voter, category).
\set voter random(1, 100000)
\set category random(1, 18)
\set nominee random(1, 360)
INSERT INTO bench_vote (voter_id, category_id, nominee_id, changed_at)
VALUES (:voter, :category, :nominee, now())
ON CONFLICT (voter_id, category_id)
DO UPDATE SET nominee_id = EXCLUDED.nominee_id, changed_at = EXCLUDED.changed_at
WHERE bench_vote.nominee_id <> EXCLUDED.nominee_id;
