"""A project's category must belong to the project's edition.

Django has no composite foreign keys, so the database gets one by hand: on PostgreSQL
a foreign key from (category_id, edition_id) to the category's (id, edition_id); on
SQLite, which cannot add a foreign key to an existing table, triggers that refuse the
same rows.
"""

from django.db import migrations

NAME = "project_category_in_its_edition"
MESSAGE = "a project's category must belong to the project's edition"


def add(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(
            f"ALTER TABLE awards_project ADD CONSTRAINT {NAME} "
            "FOREIGN KEY (category_id, edition_id) "
            "REFERENCES awards_category (id, edition_id) ON UPDATE RESTRICT ON DELETE RESTRICT"
        )
    elif vendor == "sqlite":
        mismatch = (
            "NOT EXISTS (SELECT 1 FROM awards_category c "
            "WHERE c.id = NEW.category_id AND c.edition_id = NEW.edition_id)"
        )
        for event in ("INSERT", "UPDATE OF category_id, edition_id"):
            suffix = event.split()[0].lower()
            schema_editor.execute(
                f"CREATE TRIGGER {NAME}_{suffix} BEFORE {event} ON awards_project "
                f"FOR EACH ROW WHEN {mismatch} "
                f"BEGIN SELECT RAISE(ABORT, '{NAME}: {MESSAGE.replace(chr(39), chr(39) * 2)}'); END"
            )
        schema_editor.execute(
            f"CREATE TRIGGER {NAME}_category_moved BEFORE UPDATE OF edition_id ON awards_category "
            "FOR EACH ROW WHEN EXISTS (SELECT 1 FROM awards_project p "
            "WHERE p.category_id = NEW.id AND p.edition_id <> NEW.edition_id) "
            f"BEGIN SELECT RAISE(ABORT, '{NAME}: {MESSAGE.replace(chr(39), chr(39) * 2)}'); END"
        )
    else:
        raise NotImplementedError(f"No {NAME} constraint written for {vendor}.")


def remove(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE awards_project DROP CONSTRAINT {NAME}")
    elif vendor == "sqlite":
        for suffix in ("insert", "update", "category_moved"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {NAME}_{suffix}")


class Migration(migrations.Migration):
    dependencies = [("awards", "0003_sustainable_development_goals")]

    operations = [migrations.RunPython(add, remove, elidable=False)]
