"""On SQLite, the triggers that stand in for PostgreSQL's composite foreign key from a
project to its category's edition (see migration 0004).

SQLite remakes a table to alter it, which drops its triggers and trips over triggers
that name it: they are dropped before every migrate and installed again after it.
"""

from django.db import connections

NAME = "project_category_in_its_edition"
REFUSAL = f"SELECT RAISE(ABORT, '{NAME}: a project''s category must belong to its edition')"
MISMATCH = (
    "NOT EXISTS (SELECT 1 FROM awards_category c "
    "WHERE c.id = NEW.category_id AND c.edition_id = NEW.edition_id)"
)
TRIGGERS = {
    f"{NAME}_insert": (
        f"BEFORE INSERT ON awards_project FOR EACH ROW WHEN {MISMATCH} BEGIN {REFUSAL}; END"
    ),
    f"{NAME}_update": (
        "BEFORE UPDATE OF category_id, edition_id ON awards_project "
        f"FOR EACH ROW WHEN {MISMATCH} BEGIN {REFUSAL}; END"
    ),
    f"{NAME}_category_moved": (
        "BEFORE UPDATE OF edition_id ON awards_category FOR EACH ROW WHEN EXISTS "
        "(SELECT 1 FROM awards_project p WHERE p.category_id = NEW.id "
        f"AND p.edition_id <> NEW.edition_id) BEGIN {REFUSAL}; END"
    ),
}


def _sqlite(using: str):
    connection = connections[using]
    return connection if connection.vendor == "sqlite" else None


def triggers_drop(*, using: str = "default", **kwargs) -> None:
    if connection := _sqlite(using):
        with connection.cursor() as cursor:
            for name in TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


def triggers_install(*, using: str = "default", **kwargs) -> None:
    connection = _sqlite(using)
    if connection is None:
        return
    tables = set(connection.introspection.table_names())
    if not {"awards_project", "awards_category"} <= tables:
        return
    triggers_drop(using=using)
    with connection.cursor() as cursor:
        for name, body in TRIGGERS.items():
            cursor.execute(f"CREATE TRIGGER {name} {body}")
