from django.db import migrations

GOALS = [
    "No poverty",
    "Zero hunger",
    "Good health and well-being",
    "Quality education",
    "Gender equality",
    "Clean water and sanitation",
    "Affordable and clean energy",
    "Decent work and economic growth",
    "Industry, innovation and infrastructure",
    "Reduced inequalities",
    "Sustainable cities and communities",
    "Responsible consumption and production",
    "Climate action",
    "Life below water",
    "Life on land",
    "Peace, justice and strong institutions",
    "Partnerships for the goals",
]


def create_goals(apps, schema_editor):
    Goal = apps.get_model("awards", "SustainableDevelopmentGoal")
    for number, title in enumerate(GOALS, start=1):
        Goal.objects.update_or_create(number=number, defaults={"title": title})


def remove_goals(apps, schema_editor):
    apps.get_model("awards", "SustainableDevelopmentGoal").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("awards", "0002_action_lines")]

    operations = [migrations.RunPython(create_goals, remove_goals)]
