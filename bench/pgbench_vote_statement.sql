-- The vote's own statement (voting.services, PostgreSQL), for pgbench against the
-- database vote_bench.py prepared: ids as it seeds them (edition 1, categories 1-18,
-- 20 nominees each, voters 1-100000). See bench/README.md.
\set voter random(1, 100000)
\set category random(1, 18)
\set pick random(0, 19)
\set nominee (:category - 1) * 20 + 1 + :pick
WITH vote AS (
INSERT INTO voting_vote
    (edition_id, category_id, nominee_id, voter_id, cast_at, changed_at, network,
     user_agent, invalidated_reason)
VALUES (1, :category, :nominee, :voter, now(), now(), '127.0.0.0/24', 'wrk', '')
ON CONFLICT (voter_id, category_id) DO UPDATE SET
    nominee_id = EXCLUDED.nominee_id,
    changed_at = CASE WHEN EXCLUDED.changed_at > voting_vote.cast_at
                      THEN EXCLUDED.changed_at ELSE voting_vote.cast_at END,
    network = EXCLUDED.network,
    user_agent = EXCLUDED.user_agent
WHERE voting_vote.nominee_id <> EXCLUDED.nominee_id
RETURNING cast_at = now() AS created
), event AS (
INSERT INTO voting_voteevent
    (edition_id, category_id, nominee_id, voter_id, action, at, network, user_agent, note)
SELECT 1, :category, :nominee, :voter,
       CASE WHEN created THEN 'cast' ELSE 'changed' END, now(), '127.0.0.0/24', 'wrk', '' FROM vote)
SELECT created FROM vote;
