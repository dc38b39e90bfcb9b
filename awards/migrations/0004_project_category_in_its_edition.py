"""A project's category must belong to the project's edition.

Django has no composite foreign keys, so PostgreSQL gets one by hand: from the
project's (category_id, edition_id) to the category's (id, edition_id). SQLite cannot
add a foreign key to an existing table and remakes tables to alter them, which would
drop triggers made here: there, ``awards.sqlite`` installs equivalent triggers after
every migrate instead.
"""

from django.db import migrations

NAME = "project_category_in_its_edition"


def add(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"ALTER TABLE awards_project ADD CONSTRAINT {NAME} "
            "FOREIGN KEY (category_id, edition_id) "
            "REFERENCES awards_category (id, edition_id) ON UPDATE RESTRICT ON DELETE RESTRICT"
        )


def remove(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE awards_project DROP CONSTRAINT {NAME}")


class Migration(migrations.Migration):
    dependencies = [("awards", "0003_sustainable_development_goals")]

    operations = [migrations.RunPython(add, remove, elidable=False)]
