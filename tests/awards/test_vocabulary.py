"""The contest's fixed words (Action Lines, the standard categories named after them,
Sustainable Development Goals) are stored in English and shown in the reader's language;
a title of the secretariat's own stays as written."""

import importlib

import pytest
from django.urls import reverse
from django.utils import translation

from awards.models import ActionLine, SustainableDevelopmentGoal
from awards.phases import Phase
from awards.services import edition_categories_create_standard
from awards.vocabulary import ACTION_LINES, SUSTAINABLE_DEVELOPMENT_GOALS, translated
from tests.factories import CategoryFactory, EditionFactory

pytestmark = pytest.mark.django_db


def test_the_vocabulary_lists_what_the_data_migrations_store():
    lines = importlib.import_module("awards.migrations.0002_action_lines").ACTION_LINES
    goals = importlib.import_module("awards.migrations.0003_sustainable_development_goals").GOALS

    assert [title for _, title, _ in lines] == ACTION_LINES
    assert goals == SUSTAINABLE_DEVELOPMENT_GOALS
    assert set(ActionLine.objects.values_list("title", flat=True)) == set(ACTION_LINES)
    assert set(SustainableDevelopmentGoal.objects.values_list("title", flat=True)) == set(
        SUSTAINABLE_DEVELOPMENT_GOALS
    )


@pytest.mark.parametrize(
    "language, expected",
    [
        ("fr", "Renforcement des capacités"),
        ("es", "Creación de capacidades"),
        ("ru", "Создание потенциала"),
        ("ar", "بناء القدرات"),
        ("zh-hans", "能力建设"),
    ],
)
def test_a_standard_category_is_shown_in_the_readers_language(client, language, expected):
    edition = EditionFactory(year=2020, phase=Phase.VOTING)
    edition_categories_create_standard(edition=edition)
    with translation.override(language):
        url = reverse("frontend:category", args=[2020, 4])

    response = client.get(url)

    assert expected in response.content.decode()
    assert "Capacity building" not in response.content.decode()


def test_a_title_of_the_secretariats_own_stays_as_written(client):
    edition = EditionFactory(year=2020, phase=Phase.VOTING)
    CategoryFactory(edition=edition, number=19, title="Media")
    custom = CategoryFactory(edition=edition, number=20, title="Special prize for youth")
    with translation.override("fr"):
        url = reverse("frontend:category", args=[2020, 20])
        assert str(custom) == "20. Special prize for youth"
        assert translated("Media") == "Médias"
        assert translated("Vote") == "Vote", "only the contest's fixed words"

    assert "Special prize for youth" in client.get(url).content.decode()
