"""The secretariat's jury decisions: ties marked, the Winner confirmed on a second page
that names it, and undone until its category is revealed."""

import pytest
from django.urls import reverse
from django.utils import timezone

from awards.models import AuditAction, AuditEntry, ProjectStatus
from awards.phases import Phase
from tests.factories import CategoryFactory, EditionFactory
from tests.frontend.html import find, h1, page, text
from tests.frontend.test_jury_pages import (
    LOGIN,
    _sign_in,
    champion,
    confirm,
    decisions_url,
    give_score,
    make_juror,
    messages_shown,
    ranking_rows,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def category():
    edition = EditionFactory(year=2034, phase=Phase.JURY, jury_quorum=2)
    return CategoryFactory(edition=edition, number=1, title="Public governance")


@pytest.fixture
def secretariat(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def tied(category):
    """Radio lessons and Solar schools equal for both jurors; Wind maps behind."""
    radio = champion(category, "Radio lessons")
    solar = champion(category, "Solar schools")
    wind = champion(category, "Wind maps")
    for member in (make_juror(category), make_juror(category)):
        give_score(member, radio, 8)
        give_score(member, solar, 8)
        give_score(member, wind, 4)
    return radio, solar, wind


def undo_url(category) -> str:
    return reverse("frontend:jury-winner-undo", args=[category.edition.year, category.number])


def test_a_tie_at_the_top_is_marked_and_nothing_is_preselected(secretariat, category, tied):
    response = secretariat.get(decisions_url(category.edition))

    ranks = [row[0] for row in ranking_rows(response, category)]
    assert ranks == ["=1 Tie Tied for rank 1", "=1 Tie Tied for rank 1", "3"]
    [notice] = find(page(response), "p", class_="jury-tie-notice")
    assert "2 Champions share the first rank" in text(notice)
    assert "“Radio lessons”, “Solar schools”" in text(notice)
    assert "confirming either of them needs a written reason" in text(notice)
    assert not find(page(response), "input", type="radio", checked=None)


@pytest.mark.parametrize("index", [0, 1])
def test_either_tied_champion_needs_a_reason_on_the_page(secretariat, category, tied, index):
    response = confirm(secretariat, category, tied[index], step="")

    errors = find(page(response), "ul", id=f"id_category-{category.pk}-reason_error")
    assert [text(e) for e in errors] == [
        "Error: The top of the ranking is tied: confirming either tied Champion needs a reason."
    ]
    tied[index].refresh_from_db()
    assert tied[index].status == ProjectStatus.CHAMPION


def test_confirming_asks_first_naming_the_project_and_the_category(secretariat, category, tied):
    response = confirm(secretariat, category, tied[1], reason="Reaches more schools.", step="")

    assert h1(response) == "Confirm the Winner 1. Public governance"
    [step] = find(page(response), "div", class_="confirm-step")
    assert "Confirming makes “Solar schools”" in text(step)
    assert "the Winner of 1. Public governance" in text(step)
    assert "It is tied for rank 1 with another Champion." in text(step)
    assert "Reason recorded: Reaches more schools." in text(step)
    [button] = find(page(response), "button", class_="confirm-button")
    assert text(button) == "Confirm “Solar schools” as the Winner"
    tied[1].refresh_from_db()
    assert tied[1].status == ProjectStatus.CHAMPION
    assert not AuditEntry.objects.exists()

    response = confirm(secretariat, category, tied[1], reason="Reaches more schools.")

    assert messages_shown(response) == ["“Solar schools” is the Winner of 1. Public governance."]
    tied[1].refresh_from_db()
    assert tied[1].status == ProjectStatus.WINNER
    [entry] = AuditEntry.objects.all()
    assert entry.action == AuditAction.WINNER_CONFIRMED
    assert entry.details["project_title"] == "Solar schools"


def test_undo_asks_then_undoes_until_the_reveal(secretariat, category, tied):
    confirm(secretariat, category, tied[0], reason="Reach.")
    response = secretariat.get(decisions_url(category.edition))
    [link] = find(page(response), "a", class_="jury-undo")
    assert text(link) == "Undo the confirmation"

    response = secretariat.get(undo_url(category))

    [step] = find(page(response), "div", class_="confirm-step")
    assert "Undoing makes “Radio lessons”" in text(step)
    assert "1. Public governance will have no Winner" in text(step)
    tied[0].refresh_from_db()
    assert tied[0].status == ProjectStatus.WINNER

    response = secretariat.post(undo_url(category), {"reason": "A score was wrong."}, follow=True)

    assert messages_shown(response) == [
        "1. Public governance: “Radio lessons” is no longer the Winner;"
        " the category awaits its decision again."
    ]
    tied[0].refresh_from_db()
    assert tied[0].status == ProjectStatus.CHAMPION
    assert AuditEntry.objects.filter(
        action=AuditAction.WINNER_UNDONE, reason="A score was wrong."
    ).exists()


def test_undo_after_the_reveal_is_refused_with_a_message(secretariat, category, tied):
    confirm(secretariat, category, tied[0], reason="Reach.")
    category.revealed_at = timezone.now()
    category.save()

    response = secretariat.get(decisions_url(category.edition))
    assert not find(page(response), "a", class_="jury-undo")
    assert "Revealed: the confirmation can no longer be undone." in text(page(response))
    response = secretariat.get(undo_url(category))
    assert "can no longer be undone" in text(find(page(response), "p", class_="undo-refused")[0])
    assert not find(page(response), "button", class_="confirm-button")

    response = secretariat.post(undo_url(category), follow=True)

    assert messages_shown(response) == [
        "1. Public governance: The Winner of this category is revealed:"
        " its confirmation can no longer be undone."
    ]
    tied[0].refresh_from_db()
    assert tied[0].status == ProjectStatus.WINNER


def test_undo_without_a_winner_says_so(secretariat, category, tied):
    response = secretariat.get(undo_url(category), follow=True)

    assert messages_shown(response) == [
        "1. Public governance: This category has no confirmed Winner."
    ]


def test_undo_of_an_unknown_category_is_not_found(secretariat, category):
    response = secretariat.get(
        reverse("frontend:jury-winner-undo", args=[category.edition.year, 99])
    )
    assert response.status_code == 404


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("who", ["anonymous", "plain", "juror"])
def test_undo_page_refuses_anyone_but_the_secretariat(
    client, category, tied, admin_user, who, method
):
    from awards.services.jury import winner_confirm

    winner_confirm(category=category, project=tied[0], by=admin_user, reason="Reach.")
    _sign_in(client, who, category)
    url = undo_url(category)

    response = getattr(client, method)(url)

    if who == "anonymous":
        assert response["Location"] == f"{LOGIN}?next={url}"
    else:
        assert response.status_code == 403
    tied[0].refresh_from_db()
    assert tied[0].status == ProjectStatus.WINNER
