"""The embargo selector: a category's outcome is public once the ceremony reveals it or
the edition's results are published, and the submitter's view of a Winner follows it."""

from datetime import timedelta

import pytest

from awards.models import Project, ProjectEventKind, ProjectStatus
from awards.selectors import (
    ceremony_remaining,
    ceremony_revealed,
    project_history_for_owner,
    project_status_for_owner,
    results_are_public,
    winner_is_public,
)
from awards.services import ceremony_reveal_next, results_publish

pytestmark = pytest.mark.django_db


def winner(projects: dict, number: int) -> Project:
    """The Winners of the ``decided`` fixture: "second 1" and "top 2"."""
    return Project.objects.select_related("edition", "category").get(
        pk=projects[(number, "second" if number == 1 else "top")].pk
    )


def test_nothing_is_public_before_the_reveal_or_the_publication(decided):
    edition, projects = decided
    crowned = winner(projects, 1)

    assert not winner_is_public(project=crowned)
    assert not winner_is_public(category=crowned.category)
    assert not results_are_public(edition=edition)
    assert project_status_for_owner(project=crowned) == ProjectStatus.CHAMPION
    assert ProjectEventKind.WINNER not in [
        e.kind for e in project_history_for_owner(project=crowned)
    ]
    # The secretariat's truth is untouched.
    assert crowned.status == ProjectStatus.WINNER


def test_a_reveal_lifts_the_embargo_of_its_category_only(decided, admin_user):
    edition, projects = decided

    revealed = ceremony_reveal_next(edition=edition, by=admin_user)

    first, second = winner(projects, 1), winner(projects, 2)
    assert revealed == first.category
    assert winner_is_public(project=first)
    assert project_status_for_owner(project=first) == ProjectStatus.WINNER
    assert ProjectEventKind.WINNER in [e.kind for e in project_history_for_owner(project=first)]
    assert not winner_is_public(project=second)
    assert project_status_for_owner(project=second) == ProjectStatus.CHAMPION
    assert not results_are_public(edition=edition)
    # At a moment before the reveal, it was not public yet.
    before = first.category.revealed_at - timedelta(seconds=1)
    assert not winner_is_public(project=first, at=before)
    assert [category for category, _ in ceremony_revealed(edition=edition, at=before)] == []
    assert [category for category, _ in ceremony_revealed(edition=edition)] == [first.category]


def test_publication_lifts_the_embargo_of_every_category(decided, admin_user):
    edition, projects = decided

    results_publish(edition=edition, by=admin_user)

    edition.refresh_from_db()
    for number in (1, 2):
        crowned = winner(projects, number)
        assert winner_is_public(project=crowned)
        assert project_status_for_owner(project=crowned) == ProjectStatus.WINNER
    assert results_are_public(edition=edition)
    assert not results_are_public(
        edition=edition, at=edition.results_published_at - timedelta(seconds=1)
    )


def test_the_selector_takes_a_project_or_a_category(decided):
    _, projects = decided
    crowned = winner(projects, 1)

    with pytest.raises(TypeError):
        winner_is_public()
    with pytest.raises(TypeError):
        winner_is_public(project=crowned, category=crowned.category)


def test_a_champion_and_a_nominee_show_as_they_are(decided):
    _, projects = decided
    champion, nominee = (Project.objects.get(pk=projects[(1, k)].pk) for k in ("top", "third"))

    assert project_status_for_owner(project=champion) == ProjectStatus.CHAMPION
    assert project_status_for_owner(project=nominee) == ProjectStatus.NOMINEE


def test_confirming_a_winner_leaves_its_last_change_as_it_was(decided, admin_user):
    _, projects = decided
    crowned = winner(projects, 1)
    champion = Project.objects.get(pk=projects[(1, "top")].pk)

    # Both were last changed when they became Champions; the crowning came later and
    # shows in the history alone.
    assert crowned.updated_at == champion.updated_at
    assert crowned.events.get(kind=ProjectEventKind.WINNER).at > crowned.updated_at


def test_the_audience_count_does_not_tell_how_many_winners_are_confirmed(decided):
    edition, _ = decided
    assert ceremony_remaining(edition=edition) == 2

    Project.objects.filter(edition=edition, status=ProjectStatus.WINNER).update(
        status=ProjectStatus.CHAMPION
    )

    assert ceremony_remaining(edition=edition) == 2
