"""Ties at the top of the jury's ranking, and undoing a Winner's confirmation."""

import pytest
from django.utils import timezone

from awards.models import AuditAction, AuditEntry, ProjectEventKind, ProjectStatus
from awards.phases import Phase
from awards.ranking import category_ranking
from awards.selectors import project_history_for_owner
from awards.services.jury import (
    CategoryRevealed,
    NoWinner,
    ReasonRequired,
    jury_assign,
    score_save,
    winner_confirm,
    winner_undo,
)
from config.errors import NotAllowed
from tests.awards.test_jury import juror, marks
from tests.factories import CategoryFactory, EditionFactory, ProjectFactory

pytestmark = pytest.mark.django_db

TIE_REASON = "The top of the ranking is tied: confirming either tied Champion needs a reason."


@pytest.fixture
def category():
    return CategoryFactory(edition=EditionFactory(phase=Phase.JURY, jury_quorum=2), number=1)


@pytest.fixture
def champions(category):
    return {
        title: ProjectFactory(category=category, title=title, status=ProjectStatus.CHAMPION)
        for title in "ABC"
    }


@pytest.fixture
def tied(category, champions, admin_user):
    """A and B equal for both jurors (tied first), C behind."""
    members = [juror(email=f"tie{n}@jury.example") for n in (1, 2)]
    for member in members:
        jury_assign(category=category, juror=member, by=admin_user)
        for title, mark in (("A", 8), ("B", 8), ("C", 5)):
            score_save(
                juror=member, project=champions[title], marks=marks(*[mark] * 4), submit=True
            )
    return champions


def test_equal_means_share_the_rank_and_are_marked_tied(category, tied):
    ranking = category_ranking(category=category)

    assert [(r.project.title, r.rank, r.tied, r.tied_at_top) for r in ranking] == [
        ("A", 1, True, True),
        ("B", 1, True, True),
        ("C", 3, False, False),
    ]


@pytest.mark.parametrize("title", ["A", "B"])
def test_either_tied_champion_needs_a_reason(category, tied, admin_user, title):
    with pytest.raises(ReasonRequired) as refusal:
        winner_confirm(category=category, project=tied[title], by=admin_user)

    assert refusal.value.errors == {"reason": [TIE_REASON]}
    tied[title].refresh_from_db()
    assert tied[title].status == ProjectStatus.CHAMPION
    assert not AuditEntry.objects.exists()


def test_a_tied_champion_with_a_reason_wins_and_the_audit_says_so(category, tied, admin_user):
    winner_confirm(category=category, project=tied["B"], by=admin_user, reason="Wider reach.")

    [entry] = AuditEntry.objects.all()
    assert entry.action == AuditAction.WINNER_CONFIRMED
    assert entry.actor == admin_user
    assert entry.reason == "Wider reach."
    assert entry.details == {
        "project": tied["B"].pk,
        "project_title": "B",
        "category": 1,
        "rank": 1,
        "tied": True,
        "changes": {"status": ["champion", "winner"]},
    }


def test_undo_makes_the_winner_a_champion_again_and_is_audited(category, tied, admin_user):
    winner_confirm(category=category, project=tied["A"], by=admin_user, reason="Tie: reach.")

    winner_undo(category=category, by=admin_user, reason="Scores were corrected.")

    tied["A"].refresh_from_db()
    assert tied["A"].status == ProjectStatus.CHAMPION
    undone = AuditEntry.objects.filter(action=AuditAction.WINNER_UNDONE).get()
    assert undone.reason == "Scores were corrected."
    assert undone.details["changes"] == {"status": ["winner", "champion"]}
    assert undone.details["project"] == tied["A"].pk
    kinds = [event.kind for event in tied["A"].events.all()]
    assert kinds[-2:] == [ProjectEventKind.WINNER, ProjectEventKind.WINNER_UNDONE]
    # The submitter never learns of a confirmation taken back.
    owner_kinds = [event.kind for event in project_history_for_owner(project=tied["A"])]
    assert ProjectEventKind.WINNER not in owner_kinds
    assert ProjectEventKind.WINNER_UNDONE not in owner_kinds
    # The category can be decided again.
    winner_confirm(category=category, project=tied["B"], by=admin_user, reason="Second look.")
    tied["B"].refresh_from_db()
    assert tied["B"].status == ProjectStatus.WINNER


def test_undo_is_refused_once_the_category_is_revealed(category, tied, admin_user):
    winner_confirm(category=category, project=tied["A"], by=admin_user, reason="Reach.")
    category.revealed_at = timezone.now()
    category.save()

    with pytest.raises(CategoryRevealed) as refusal:
        winner_undo(category=category, by=admin_user)

    assert refusal.value.code == "category_revealed"
    assert "is revealed: its confirmation can no longer be undone" in refusal.value.detail
    tied["A"].refresh_from_db()
    assert tied["A"].status == ProjectStatus.WINNER
    assert not AuditEntry.objects.filter(action=AuditAction.WINNER_UNDONE).exists()


def test_undo_needs_a_winner_and_the_secretariat(category, tied, admin_user):
    with pytest.raises(NoWinner):
        winner_undo(category=category, by=admin_user)
    winner_confirm(category=category, project=tied["A"], by=admin_user, reason="Reach.")
    with pytest.raises(NotAllowed):
        winner_undo(category=category, by=juror(email="someone@jury.example"))
