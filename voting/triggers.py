"""The database keeps the tallies: triggers on ``voting_vote`` add one to the shard of
the nominee voted for and take one from the nominee left, for every insert, change of
nominee, invalidation and delete. Being in the same statement as the vote, the counts
are exact whatever the interleaving of requests (``voting_recount`` checks it).

Installed after every ``migrate`` (SQLite remakes a table to alter it, dropping its
triggers) and dropped before it.
"""

from django.db import connections

from voting.models import TALLY_SHARDS

TRIGGERS = ("voting_tally_insert", "voting_tally_update", "voting_tally_delete")

# On SQLite, what PostgreSQL's foreign key from a vote to its nominee's (id, category,
# edition) does (migration 0003_vote_names_its_nominees_category): the vote names its
# nominee's category and edition, and a nominee with votes neither moves nor goes.
_NOMINEE = "vote_names_its_nominees_category"
_REFUSAL = f"SELECT RAISE(ABORT, '{_NOMINEE}: a vote names its nominee''s category')"
_ELSEWHERE = (
    "NOT EXISTS (SELECT 1 FROM awards_project p WHERE p.id = NEW.nominee_id "
    "AND p.category_id = NEW.category_id AND p.edition_id = NEW.edition_id)"
)
_VOTED = "EXISTS (SELECT 1 FROM voting_vote v WHERE v.nominee_id = OLD.id)"
SQLITE_NOMINEE = {
    f"{_NOMINEE}_insert": (
        f"BEFORE INSERT ON voting_vote FOR EACH ROW WHEN {_ELSEWHERE} BEGIN {_REFUSAL}; END"
    ),
    f"{_NOMINEE}_update": (
        "BEFORE UPDATE OF nominee_id, category_id, edition_id ON voting_vote "
        f"FOR EACH ROW WHEN {_ELSEWHERE} BEGIN {_REFUSAL}; END"
    ),
    f"{_NOMINEE}_moved": (
        "BEFORE UPDATE OF id, category_id, edition_id ON awards_project FOR EACH ROW "
        "WHEN (NEW.id, NEW.category_id, NEW.edition_id) "
        f"IS NOT (OLD.id, OLD.category_id, OLD.edition_id) AND {_VOTED} "
        f"BEGIN {_REFUSAL}; END"
    ),
    f"{_NOMINEE}_deleted": (
        f"BEFORE DELETE ON awards_project FOR EACH ROW WHEN {_VOTED} BEGIN {_REFUSAL}; END"
    ),
}

_ADD = (
    "INSERT INTO voting_tally (edition_id, category_id, nominee_id, shard, votes) "
    f"VALUES (NEW.edition_id, NEW.category_id, NEW.nominee_id, NEW.id % {TALLY_SHARDS}, 1) "
    "ON CONFLICT (nominee_id, shard) DO UPDATE SET votes = voting_tally.votes + 1"
)
_REMOVE = (
    "UPDATE voting_tally SET votes = votes - 1 "
    f"WHERE nominee_id = OLD.nominee_id AND shard = OLD.id % {TALLY_SHARDS}"
)
_RELEVANT = (
    "OLD.nominee_id <> NEW.nominee_id "
    "OR (OLD.invalidated_at IS NULL) <> (NEW.invalidated_at IS NULL)"
)

# A change of nominee takes two tally rows, the lower nominee's first: two changes
# between the same nominees in opposite directions then queue for the same row
# instead of each holding the row the other waits for (a deadlock).
POSTGRESQL = f"""
CREATE OR REPLACE FUNCTION voting_tally_apply() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.invalidated_at IS NULL AND NEW.invalidated_at IS NULL
            AND NEW.nominee_id < OLD.nominee_id THEN
        {_ADD};
        {_REMOVE};
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.invalidated_at IS NULL THEN
        {_REMOVE};
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.invalidated_at IS NULL THEN
        {_ADD};
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER voting_tally_insert AFTER INSERT ON voting_vote
    FOR EACH ROW EXECUTE FUNCTION voting_tally_apply();
CREATE TRIGGER voting_tally_update AFTER UPDATE OF nominee_id, invalidated_at ON voting_vote
    FOR EACH ROW WHEN ({_RELEVANT}) EXECUTE FUNCTION voting_tally_apply();
CREATE TRIGGER voting_tally_delete AFTER DELETE ON voting_vote
    FOR EACH ROW EXECUTE FUNCTION voting_tally_apply();
"""

SQLITE = [
    "CREATE TRIGGER voting_tally_insert AFTER INSERT ON voting_vote "
    f"FOR EACH ROW WHEN NEW.invalidated_at IS NULL BEGIN {_ADD}; END",
    "CREATE TRIGGER voting_tally_update AFTER UPDATE OF nominee_id, invalidated_at "
    f"ON voting_vote FOR EACH ROW WHEN {_RELEVANT} BEGIN "
    f"{_REMOVE} AND OLD.invalidated_at IS NULL; "
    # SQLite has no IF in triggers: the WHERE of an INSERT ... SELECT stands in for it.
    "INSERT INTO voting_tally (edition_id, category_id, nominee_id, shard, votes) "
    f"SELECT NEW.edition_id, NEW.category_id, NEW.nominee_id, NEW.id % {TALLY_SHARDS}, 1 "
    "WHERE NEW.invalidated_at IS NULL "
    "ON CONFLICT (nominee_id, shard) DO UPDATE SET votes = voting_tally.votes + 1; "
    "END",
    "CREATE TRIGGER voting_tally_delete AFTER DELETE ON voting_vote "
    f"FOR EACH ROW WHEN OLD.invalidated_at IS NULL BEGIN {_REMOVE}; END",
]


def triggers_drop(*, using: str = "default", **kwargs) -> None:
    connection = connections[using]
    if "voting_vote" not in connection.introspection.table_names():
        return
    with connection.cursor() as cursor:
        for name in TRIGGERS:
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON voting_vote")
            else:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        if connection.vendor == "sqlite":
            for name in SQLITE_NOMINEE:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


def triggers_install(*, using: str = "default", **kwargs) -> None:
    connection = connections[using]
    tables = set(connection.introspection.table_names())
    if not {"voting_vote", "voting_tally"} <= tables:
        return
    triggers_drop(using=using)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(POSTGRESQL)
        else:
            for statement in SQLITE:
                cursor.execute(statement)
            for name, body in SQLITE_NOMINEE.items():
                cursor.execute(f"CREATE TRIGGER {name} {body}")
