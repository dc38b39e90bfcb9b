from datetime import timedelta

import pytest
from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from awards.models import ActionLine, Category
from awards.phases import Phase, timeline_around
from awards.services import edition_categories_create_standard
from tests.factories import CategoryFactory, EditionFactory, UserFactory
from tests.frontend.html import find as _find
from tests.frontend.html import h1 as _h1
from tests.frontend.html import page as _page
from tests.frontend.html import text as _text

pytestmark = pytest.mark.django_db

HOME = reverse("frontend:home")
ADMIN = reverse("admin:index")


def _groups(response) -> list[tuple[str, list[str]]]:
    """(heading, category texts) of each Action Line group, in page order."""
    return [
        (_text(_find(section, "h3")[0]), [_text(item) for item in _find(section, "li")])
        for section in _find(_page(response), "section", class_="action-line")
    ]


def test_home_shows_the_edition_title_and_its_six_phases(client):
    EditionFactory(year=2026, title="WSIS Prizes 2026", phase=Phase.VOTING)

    response = client.get(HOME)

    assert response.status_code == 200
    assert _h1(response) == "WSIS Prizes 2026"
    [timeline] = _find(_page(response), "ol", class_="timeline")
    assert [_text(label) for label in _find(timeline, class_="timeline__label")] == [
        "Submission",
        "Nomination",
        "Public online voting",
        "Champions",
        "Winner selection",
        "Ceremony and publication",
    ]


def test_home_highlights_the_current_phase(client):
    EditionFactory(phase=Phase.VOTING)

    page = _page(client.get(HOME))

    [current] = _find(page, aria_current="step")
    assert current.name == "li"
    assert _text(_find(current, class_="timeline__label")[0]) == "Public online voting"
    assert _text(_find(current, class_="badge")[0]) == "Now"


def test_home_marks_finished_phases_done(client):
    EditionFactory(phase=Phase.VOTING)

    page = _page(client.get(HOME))

    done = _find(page, "li", class_="timeline__step--done")
    assert [_text(_find(step, class_="timeline__label")[0]) for step in done] == [
        "Submission",
        "Nomination",
    ]
    assert all(_text(_find(step, class_="badge")[0]) == "Done" for step in done)


def test_home_highlights_no_phase_between_phases(client):
    edition = EditionFactory(phase=Phase.NOMINATION)
    edition.nomination_closes_at = edition.nomination_opens_at + timedelta(hours=1)
    edition.save()

    page = _page(client.get(HOME))

    assert _find(page, aria_current="step") == []
    [status] = _find(page, class_="edition-status")
    assert "Between phases: Public online voting opens on" in _text(status)


def test_home_header_shows_the_edition_and_its_current_phase(client):
    EditionFactory(title="WSIS Prizes 2031", phase=Phase.SUBMISSION)

    page = _page(client.get(HOME))

    [status] = _find(page, class_="edition-status")
    assert "WSIS Prizes 2031" in _text(status)
    assert "Submission, until" in _text(status)


def test_home_header_says_when_an_edition_opens(client):
    EditionFactory(
        **timeline_around(current=Phase.SUBMISSION, at=timezone.now() + timedelta(days=60))
    )

    [status] = _find(_page(client.get(HOME)), class_="edition-status")

    assert "Opens on" in _text(status)
    assert _find(_page(client.get(HOME)), aria_current="step") == []


def test_home_header_says_closed_after_the_ceremony(client):
    EditionFactory(
        **timeline_around(current=Phase.CEREMONY, at=timezone.now() - timedelta(days=365))
    )

    page = _page(client.get(HOME))

    [status] = _find(page, class_="edition-status")
    assert _text(status).endswith("Closed")
    assert len(_find(page, "li", class_="timeline__step--done")) == 6


def test_home_groups_categories_under_their_action_line(client):
    edition = EditionFactory()
    edition_categories_create_standard(edition=edition)

    groups = _groups(client.get(HOME))

    assert [heading.split()[0] for heading, _ in groups] == [f"C{n}" for n in range(1, 12)]
    assert groups[6] == (
        "C7 ICT applications: benefits in all aspects of life",
        [
            "7. E-government",
            "8. E-business",
            "9. E-learning",
            "10. E-health",
            "11. E-employment",
            "12. E-environment",
            "13. E-agriculture",
            "14. E-science",
        ],
    )
    assert groups[0] == (
        "C1 The role of public governance authorities and all stakeholders in the "
        "promotion of ICTs for development",
        [
            "1. The role of public governance authorities and all stakeholders in the "
            "promotion of ICTs for development"
        ],
    )


def test_home_lists_special_categories_last(client):
    edition = EditionFactory()
    Category.objects.create(edition=edition, number=19, title="Special Recognition")
    edition_categories_create_standard(edition=edition)

    groups = _groups(client.get(HOME))

    assert len(groups) == 12
    assert groups[-1] == ("Special categories", ["19. Special Recognition"])


def test_home_without_edition_says_none_is_set_up(client):
    response = client.get(HOME)

    assert response.status_code == 200
    page = _page(response)
    assert "No edition of the WSIS Prizes has been set up yet" in _text(page)
    assert _find(page, href=ADMIN) == []


def test_home_without_edition_links_staff_to_the_admin(admin_client):
    response = admin_client.get(HOME)

    assert response.status_code == 200
    page = _page(response)
    assert "No edition of the WSIS Prizes has been set up yet" in _text(page)
    [notice] = _find(page, "p", class_="notice")
    assert _find(notice, "a", href=ADMIN)


def test_home_shows_the_most_recent_edition(client):
    EditionFactory(year=2025, title="WSIS Prizes 2025")
    EditionFactory(year=2026, title="WSIS Prizes 2026")

    assert _h1(client.get(HOME)) == "WSIS Prizes 2026"


def test_edition_page_shows_that_edition(client):
    EditionFactory(year=2025, title="WSIS Prizes 2025")
    EditionFactory(year=2026, title="WSIS Prizes 2026")

    response = client.get(reverse("frontend:edition", kwargs={"year": 2025}))

    assert response.status_code == 200
    assert _h1(response) == "WSIS Prizes 2025"
    page = _page(response)
    assert "This is an earlier edition." in _text(page)
    # The header keeps announcing the current edition.
    [status] = _find(page, class_="edition-status")
    assert "WSIS Prizes 2026" in _text(status)


def test_edition_page_of_the_current_edition_looks_it_up_once(client, django_assert_num_queries):
    EditionFactory(year=2026, title="WSIS Prizes 2026")

    with django_assert_num_queries(2):
        response = client.get(reverse("frontend:edition", kwargs={"year": 2026}))

    assert _h1(response) == "WSIS Prizes 2026"
    assert "This is an earlier edition." not in _text(_page(response))


def test_edition_page_unknown_year_is_404_in_the_site_style(client):
    EditionFactory(year=2026)

    response = client.get(reverse("frontend:edition", kwargs={"year": 1999}))

    assert response.status_code == 404
    templates = [template.name for template in response.templates]
    assert "404.html" in templates
    assert "frontend/base.html" in templates
    assert _h1(response) == "Page not found"


def test_server_error_page_renders_without_request_or_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        html = render_to_string("500.html")

    assert "Sorry, there is a problem with the service" in html
    assert 'href="/static/frontend/site.css"' in html


@pytest.mark.parametrize("categories", [1, 18])
def test_home_query_count_does_not_grow_with_categories(
    client, django_assert_num_queries, categories
):
    edition = EditionFactory()
    if categories == 1:
        CategoryFactory(edition=edition, number=1, action_line=ActionLine.objects.get(code="C1"))
    else:
        edition_categories_create_standard(edition=edition)

    # The edition (shared by the header and the page), then the categories with their
    # Action Lines.
    with django_assert_num_queries(2):
        response = client.get(HOME)

    assert response.status_code == 200
    assert sum(len(items) for _, items in _groups(response)) == categories


def test_home_query_count_for_staff(admin_client, django_assert_num_queries):
    edition_categories_create_standard(edition=EditionFactory())

    # The session and the user (with its address check, for the unconfirmed banner)
    # come first; the header's role groups (Secretariat and Jury links) come last.
    with django_assert_num_queries(5):
        response = admin_client.get(HOME)

    assert response.status_code == 200


def test_home_admin_link_hidden_from_anonymous_visitors(client):
    EditionFactory()

    response = client.get(HOME)

    assert response.status_code == 200
    assert _find(_page(response), href=ADMIN) == []


def test_home_admin_link_hidden_from_users_without_staff_status(client):
    EditionFactory()
    client.force_login(UserFactory())

    response = client.get(HOME)

    assert response.status_code == 200
    assert _find(_page(response), href=ADMIN) == []


def test_home_admin_link_shown_to_staff(admin_client):
    EditionFactory()

    response = admin_client.get(HOME)

    assert response.status_code == 200
    [nav] = _find(_page(response), "nav")
    [link] = _find(nav, "a", href=ADMIN)
    assert _text(link) == "Admin"


def test_home_navigation_links_home_and_the_api(client):
    page = _page(client.get(HOME))

    [nav] = _find(page, "nav")
    assert [_text(link) for link in _find(nav, "a")] == ["Home", "API docs"]
    [current] = _find(nav, aria_current="page")
    assert _text(current) == "Home"
    assert _find(nav, "a", href=reverse("api:docs"))
    [footer] = _find(page, "footer")
    assert _find(footer, "a", href=reverse("api:schema"))


def test_page_has_a_skip_link_to_the_main_content(client):
    page = _page(client.get(HOME))

    [skip] = _find(page, "a", class_="skip-link")
    assert dict(skip.attributes)["href"] == "#main"
    assert _find(page, "main", id="main")


def test_messages_are_shown_in_a_status_region(client):
    storage = CookieStorage(RequestFactory().get("/"))
    storage.add(messages.SUCCESS, "Your project was submitted.")
    carrier = HttpResponse()
    storage.update(carrier)
    client.cookies[storage.cookie_name] = carrier.cookies[storage.cookie_name].value

    page = _page(client.get(HOME))

    [region] = _find(page, role="status")
    assert _text(region) == "Your project was submitted."
