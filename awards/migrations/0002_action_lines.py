from django.db import migrations

# The Action Lines of the Geneva Plan of Action, with the eight C7 sub-lines.
ACTION_LINES = [
    ("C1", "The role of public governance authorities and all stakeholders in the promotion of ICTs for development", None),
    ("C2", "Information and communication infrastructure", None),
    ("C3", "Access to information and knowledge", None),
    ("C4", "Capacity building", None),
    ("C5", "Building confidence and security in the use of ICTs", None),
    ("C6", "Enabling environment", None),
    ("C7", "ICT applications: benefits in all aspects of life", None),
    ("C7.1", "E-government", "C7"),
    ("C7.2", "E-business", "C7"),
    ("C7.3", "E-learning", "C7"),
    ("C7.4", "E-health", "C7"),
    ("C7.5", "E-employment", "C7"),
    ("C7.6", "E-environment", "C7"),
    ("C7.7", "E-agriculture", "C7"),
    ("C7.8", "E-science", "C7"),
    ("C8", "Cultural diversity and identity, linguistic diversity and local content", None),
    ("C9", "Media", None),
    ("C10", "Ethical dimensions of the Information Society", None),
    ("C11", "International and regional cooperation", None),
]


def create_action_lines(apps, schema_editor):
    ActionLine = apps.get_model("awards", "ActionLine")
    created = {}
    for position, (code, title, parent_code) in enumerate(ACTION_LINES, start=1):
        line, _ = ActionLine.objects.update_or_create(
            code=code,
            defaults={"title": title, "parent": created.get(parent_code), "position": position},
        )
        created[code] = line


def remove_action_lines(apps, schema_editor):
    ActionLine = apps.get_model("awards", "ActionLine")
    ActionLine.objects.filter(parent__isnull=False).delete()
    ActionLine.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("awards", "0001_initial")]

    operations = [migrations.RunPython(create_action_lines, remove_action_lines)]
