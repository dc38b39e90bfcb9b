"""A project's title and short description in other languages: entered by its
submitter, edited by the secretariat, shown to each visitor in their language (else
the original), and found by the search in any of them."""

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.services import personal_data_export
from awards.exports import submissions_csv
from awards.models import Project, ProjectStatus
from awards.phases import Phase
from tests.factories import CategoryFactory, EditionFactory, ProjectFactory, UserFactory, words
from tests.frontend.html import attribute, find, h1, page, text
from tests.frontend.test_submitter_pages import COMPLETE, field_errors

pytestmark = pytest.mark.django_db

YEAR = 2020
FRENCH_TITLE = "Classes ouvertes pour tous"
FRENCH_DESCRIPTION = "Des écoles ouvertes " + words(160)
SPANISH_DESCRIPTION = "Aulas con regadío solar " + words(155)


def at(language: str, name: str, *args) -> str:
    with translation.override(language):
        return reverse(f"frontend:{name}", args=args)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def submitter():
    return UserFactory(email="ada@example.org", email_confirmed=True)


@pytest.fixture
def owner(client, submitter):
    client.force_login(submitter)
    return client


@pytest.fixture
def draft(submitter):
    edition = EditionFactory(year=YEAR, phase=Phase.SUBMISSION)
    category = CategoryFactory(edition=edition, number=3)
    return ProjectFactory(
        category=category, submitted_by=submitter, status=ProjectStatus.DRAFT, title="Open data"
    )


@pytest.fixture
def nominee():
    edition = EditionFactory(year=YEAR, phase=Phase.VOTING)
    category = CategoryFactory(edition=edition, number=3)
    return ProjectFactory(
        category=category,
        title="Open classrooms",
        short_description="Schools open to all " + words(160),
        i18n={
            "title_fr": FRENCH_TITLE,
            "short_description_fr": FRENCH_DESCRIPTION,
            "short_description_es": SPANISH_DESCRIPTION,
        },
    )


def my_project(project: Project) -> str:
    return reverse("frontend:my-project", args=[YEAR, project.pk])


# The submitter


def test_owner_gives_the_title_and_description_in_french_and_submits(owner, draft):
    form = owner.get(my_project(draft))
    [title_fr] = find(page(form), "input", name="title_fr")
    assert attribute(title_fr, "lang") == "fr"
    [label] = find(page(form), "label", for_="id_title_fr")
    assert text(label) == "Title in French (optional)"
    # The word limit is told, and counted live, for each language's description.
    [description_ru] = find(page(form), "textarea", name="short_description_ru")
    assert attribute(description_ru, "data-max-words") == "200"
    assert "id_short_description_ru_helptext" in attribute(description_ru, "aria-describedby")

    response = owner.post(
        my_project(draft),
        {
            **COMPLETE,
            "title_fr": FRENCH_TITLE,
            "short_description_fr": FRENCH_DESCRIPTION,
            "action": "submit",
        },
        follow=True,
    )

    draft.refresh_from_db()
    assert draft.status == ProjectStatus.SUBMITTED
    assert (draft.title_fr, draft.short_description_fr) == (FRENCH_TITLE, FRENCH_DESCRIPTION)
    assert draft.title_es is None  # left empty: no Spanish version
    [versions] = find(page(response), "section", aria_labelledby="translations-heading")
    assert [text(h) for h in find(versions, "h3")] == ["French"]
    assert FRENCH_TITLE in text(versions)
    [prose] = find(versions, "div", class_="prose")
    assert attribute(prose, "lang") == "fr"


def test_each_languages_description_is_held_to_the_word_limit(owner, draft):
    response = owner.post(
        my_project(draft),
        {**COMPLETE, "short_description_es": words(20), "action": "submit"},
    )

    assert field_errors(response) == {
        "short_description_es": [
            "The short description in Spanish has 20 words: it needs 150 to 200."
        ]
    }
    [hint] = find(page(response), "div", id="id_short_description_es_helptext")
    assert text(hint) == "What voters read: 150 to 200 words. It has 20 words now."
    draft.refresh_from_db()
    assert draft.status == ProjectStatus.DRAFT
    assert draft.short_description_es == words(20)  # the draft keeps what was typed


def test_emptying_a_translation_removes_it(owner, draft):
    draft.title_fr = FRENCH_TITLE
    draft.save()

    owner.post(my_project(draft), {**COMPLETE, "title_fr": "  ", "action": "save"})

    draft.refresh_from_db()
    assert draft.title_fr is None
    assert "title_fr" not in draft.i18n


def test_another_person_cannot_change_the_translations(client, draft):
    draft.title_fr = FRENCH_TITLE
    draft.save()
    client.force_login(UserFactory(email_confirmed=True))

    response = client.post(
        my_project(draft), {**COMPLETE, "title_fr": "Pris par un autre", "action": "save"}
    )

    assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.title_fr == FRENCH_TITLE


def test_the_personal_data_export_holds_the_translations(draft):
    draft.title_fr = FRENCH_TITLE
    draft.save()

    [project] = personal_data_export(user=draft.submitted_by)["projects"]

    assert project["translations"] == {"fr": {"title": FRENCH_TITLE, "short_description": ""}}


# The visitors


def test_gallery_in_french_shows_the_french_title_and_description(client, nominee):
    response = client.get(at("fr", "category", YEAR, 3))

    [card] = find(page(response), "li", class_="nominee-card")
    [title] = find(find(card, "h3")[0], "bdi")
    assert text(title) == FRENCH_TITLE
    assert attribute(title, "lang") is None  # the page's own language
    [excerpt] = find(card, "p", class_="nominee-card__excerpt")
    assert text(excerpt).startswith("Des écoles ouvertes")


def test_ballot_pages_in_french_show_the_french_title_and_description(client, nominee):
    """Voting, confirming and the ballot show a nominee as the gallery does."""
    voter = UserFactory(email_confirmed=True)
    client.force_login(voter)

    choosing = client.get(at("fr", "ballot-category", YEAR, 3))
    confirming = client.get(at("fr", "ballot-confirm", YEAR, 3) + f"?nominee={nominee.pk}")
    client.post(at("fr", "ballot-confirm", YEAR, 3), {"nominee": nominee.pk})
    ballot = client.get(at("fr", "ballot", YEAR))

    [card] = find(page(choosing), "li", class_="ballot-card")
    assert text(find(find(card, "h3")[0], "bdi")[0]) == FRENCH_TITLE
    [excerpt] = find(card, "p", class_="ballot-card__excerpt")
    assert text(excerpt).startswith("Des écoles ouvertes")
    assert attribute(excerpt, "dir") == "auto"
    [chosen] = find(page(confirming), "h2", id="chosen-title")
    assert text(chosen) == FRENCH_TITLE
    [row] = find(page(ballot), "p", class_="ballot-row__vote")
    assert FRENCH_TITLE in text(row)


def test_gallery_in_russian_falls_back_to_the_original_marked_as_such(client, nominee):
    response = client.get(at("ru", "category", YEAR, 3))

    [card] = find(page(response), "li", class_="nominee-card")
    [title] = find(find(card, "h3")[0], "bdi")
    assert text(title) == "Open classrooms"
    assert attribute(title, "lang") == ""  # not Russian: of a language the page cannot tell
    [excerpt] = find(card, "p", class_="nominee-card__excerpt")
    assert text(excerpt).startswith("Schools open to all")


def test_english_pages_show_the_original(client, nominee):
    response = client.get(at("en", "nominee", YEAR, nominee.pk))

    assert h1(response) == "Open classrooms"


def test_nominee_page_in_french_shows_the_french_texts_and_shares_them(client, nominee):
    response = client.get(at("fr", "nominee", YEAR, nominee.pk))

    assert h1(response) == FRENCH_TITLE
    html = page(response)
    [og_title] = find(html, "meta", property="og:title")
    assert attribute(og_title, "content") == FRENCH_TITLE
    [og_description] = find(html, "meta", property="og:description")
    assert "Des écoles ouvertes" in attribute(og_description, "content")
    about = find(html, "div", class_="prose")[0]
    assert text(about).startswith("Des écoles ouvertes")
    assert attribute(about, "lang") is None


def test_nominee_page_in_russian_falls_back_to_the_original(client, nominee):
    response = client.get(at("ru", "nominee", YEAR, nominee.pk))

    assert h1(response) == "Open classrooms"
    [og_title] = find(page(response), "meta", property="og:title")
    assert attribute(og_title, "content") == "Open classrooms"
    about = find(page(response), "div", class_="prose")[0]
    assert text(about).startswith("Schools open to all")
    assert attribute(about, "lang") == ""


@pytest.mark.parametrize(
    "language, shown", [("en", "Open classrooms"), ("fr", FRENCH_TITLE), ("ru", "Open classrooms")]
)
def test_search_finds_a_word_only_in_the_spanish_description(client, nominee, language, shown):
    ProjectFactory(category=nominee.category, title="Another project")

    search = client.get(at(language, "search", YEAR), {"q": "regadío"})
    gallery = client.get(at(language, "category", YEAR, 3), {"search": "regadío"})
    api = client.get(f"/api/v1/editions/{YEAR}/nominees/", {"search": "regadío"})

    for response in (search, gallery):
        [card] = find(page(response), "li", class_="nominee-card")
        assert text(find(card, "bdi")[0]) == shown
    assert [hit["id"] for hit in api.json()["results"]] == [nominee.pk]


def test_search_finds_a_word_of_a_translated_title(client, nominee):
    ProjectFactory(category=nominee.category, title="Another project")

    response = client.get(at("en", "search", YEAR), {"q": "ouvertes"})

    [card] = find(page(response), "li", class_="nominee-card")
    assert text(find(card, "bdi")[0]) == "Open classrooms"


@pytest.mark.parametrize("count", [1, 8])
def test_gallery_in_french_query_count_does_not_grow(
    client, nominee, django_assert_num_queries, count
):
    for n in range(count - 1):
        ProjectFactory(category=nominee.category, i18n={"title_fr": f"Classes ouvertes {n}"})

    # As in English: the edition, the category, the countries, the count and the page.
    with django_assert_num_queries(5):
        response = client.get(at("fr", "category", YEAR, 3))
    with django_assert_num_queries(3):
        search = client.get(at("fr", "search", YEAR), {"q": "ouvertes"})

    assert len(find(page(response), "li", class_="nominee-card")) == count
    assert len(find(page(search), "li", class_="nominee-card")) == count


def test_nominee_page_in_french_query_count(client, nominee, django_assert_num_queries):
    # The edition; the nominee with its category, SDGs and images.
    with django_assert_num_queries(4):
        response = client.get(at("fr", "nominee", YEAR, nominee.pk))

    assert h1(response) == FRENCH_TITLE


# The secretariat


def test_admin_change_page_shows_and_saves_the_translations(nominee, admin_user):
    client = Client()
    client.force_login(admin_user)
    address = reverse("admin:awards_project_change", args=[nominee.pk])

    response = client.get(address)

    assert response.status_code == 200
    [title_fr] = find(page(response), "input", name="title_fr")
    assert attribute(title_fr, "value") == FRENCH_TITLE
    [label] = find(page(response), "label", for_="id_title_fr")
    assert text(label).startswith("Title in French")
    [description_es] = find(page(response), "textarea", name="short_description_es")
    assert text(description_es) == SPANISH_DESCRIPTION


def test_admin_change_page_is_refused_to_an_outsider(client, nominee):
    client.force_login(UserFactory(email_confirmed=True))

    response = client.get(reverse("admin:awards_project_change", args=[nominee.pk]))

    assert response.status_code == 302
    assert FRENCH_TITLE not in response.content.decode()


def test_the_submissions_export_has_a_column_per_language_version(nominee):
    rows = list(csv.reader(io.StringIO(submissions_csv(Project.objects.all()))))

    header, [row] = rows[0], rows[1:]
    assert row[header.index("title (fr)")] == FRENCH_TITLE
    assert row[header.index("short description (es)")] == SPANISH_DESCRIPTION
    assert row[header.index("title (ru)")] == ""
